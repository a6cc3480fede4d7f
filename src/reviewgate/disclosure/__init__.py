"""Disclosure: a tool-assisted commit says which tool helped (RG101–RG105).

registry      the AI tools reviewgate knows (data in registry_agents, registry_services;
              records in tool), and the indexes that find one from a mark
identity      which tool an identity, a footer or a line names, and who is a bot
lines         where a message can disclose outside git's trailer block
keys          key classes: session, strong and weak keys; people who are not tools
declarations  the lines in which a commit declares a tool
assistance    what was read of a commit: tools, evidence, declared or not
unrecognised  tool-like marks the registry does not know (for `stats`)
agents        is this process running inside an AI agent? (prepare-commit-msg)
rules         RG101–RG105, pure: a commit's facts and the policy in, findings out
judge         read a commit's marks once, run the rules, keep the answer for the run

May import: reviewgate.git, reviewgate.policy, reviewgate.model, reviewgate.errors.
Not the other enforcement packages (pairs, verify, signoff, perf).
"""
