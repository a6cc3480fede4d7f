"""reviewgate's door to git: every git process outside the verifier starts here.

repo         open a repository, stream `git log -z` for a range, read listed commits
hookenv      what the commit-message hooks need, read fast (no GitPython)
ancestry     which commits of a range reach which, from their parent links
shallow      deepen a shallow clone just enough for a range
ci           the range and the trusted base from a CI's environment
tree_files   a file as committed at a revision: the trusted policy and allowed signers
pushed_refs  what a push hook is told, and what the pushed objects are
revisions    revisions for git's stdin, never one argument per ref
config_path  whether a --config file lies in the working tree (then read at the trusted base)
unreadable   an object git cannot read, named by the commit and path that hold it
protected    a server's protected branches, and the one policy that judges a push

May import: reviewgate.policy, reviewgate.model, reviewgate.errors.
"""
