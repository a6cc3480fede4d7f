"""Disclosure: a tool-assisted commit says which tool helped (RG101–RG105).

identity      the registry of AI tools' identities and marks, and who is a bot
declarations  the trailers in which a commit declares a tool
agents        is this process running inside an AI agent? (prepare-commit-msg)
rules         RG101–RG105, pure: a commit and the policy in, findings out

May import: reviewgate.git, reviewgate.policy, reviewgate.model, reviewgate.errors.
Not the other enforcement packages (pairs, verify, signoff, perf).
"""
