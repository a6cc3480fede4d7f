"""The pipeline: policy → commits → evidence → rules → findings.

run     one check: the range and its trusted policy, the commits streamed through
        the commit rules, the evidence gathered, the range rules, the CheckResult
gather  the evidence the enabled range rules need, with as few git processes as
        the enabled concerns allow
provenance  the verify cache's trust and signing key for one run, from signoff's
        ssh signing (verify may not import signoff)
rules   the registry of commit and range checks, and running them

May import: every enforcement package (disclosure, pairs, verify, signoff, perf)
and the layers below. Not commands, report or cli.
"""
