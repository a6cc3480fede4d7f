"""The pipeline: policy → commits → evidence → rules → findings.

run     one check: the range and its trusted policy, the commits streamed through
        the commit rules, the evidence gathered, the range rules, the CheckResult
gather  the evidence the enabled range rules need, with as few git processes as
        the enabled concerns allow
rules   the registry of commit and range checks, and running them

May import: every enforcement package (disclosure, pairs, verify, signoff, perf)
and the layers below. Not commands, report or cli.
"""
