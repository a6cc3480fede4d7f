"""Red/green verification of fixes (reviewgate verify, check --verify).

  plan.py      fixes -> jobs, and the --shard split (pure)
  objects.py   one `git cat-file --batch` process; the red tree, computed without an index
  worktree.py  temporary detached worktrees, always removed
  slots.py     one worktree per parallel job, reused fix after fix
  runner.py    the test command in a process group, with its timeout
  sandbox.py   the test command inside bubblewrap (verify.sandbox)
  stale.py     what a killed verify run left behind, removed (verify --cleanup)
  auto.py      `verify.command: auto`: the project's own test command
  results.py   per-test results: the records, and which report a command writes
  junit.py     per-test results from a JUnit XML report
  streams.py   per-test results from `go test -json`, TAP and `cargo test` output
  reports.py   which of the two reads a run's report
  judge.py     red and green runs -> an outcome, test by test when reports exist (pure)
  job.py       one fix: red, then green, each rerun when it would condemn the fix
  cache.py     verdicts as lines of notes in refs/notes/reviewgate, keyed by trees
  cache_writer.py  a run's new lines, written in one notes commit (git fast-import)
  provenance.py  which cached lines count (signed ones in CI), and signing new ones
  engine.py    puts them together, in parallel (-j)
  gather.py    the verify section of reviewgate.pipeline.gather
  rules.py     RG202, RG203, RG205, RG206 from the verdicts (pure)

May import: reviewgate.pairs (the fixes it proves), reviewgate.git, reviewgate.policy,
reviewgate.model, reviewgate.errors. Not disclosure or signoff.
"""
