"""Red/green verification of fixes (reviewgate verify, check --verify).

  plan.py      fixes -> jobs, and the --shard split (pure)
  objects.py   one `git cat-file --batch` process; the red tree, computed without an index
  worktree.py  temporary detached worktrees, always removed
  runner.py    the test command in a process group, with its timeout
  cache.py     verdicts as lines of notes in refs/notes/reviewgate, keyed by trees
  engine.py    puts them together, in parallel (-j)
  gather.py    the verify section of reviewgate.pipeline.gather
  rules.py     RG202, RG203, RG205 from the verdicts (pure)

May import: reviewgate.pairs (the fixes it proves), reviewgate.git, reviewgate.policy,
reviewgate.model, reviewgate.errors. Not disclosure or signoff.
"""
