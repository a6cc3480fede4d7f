"""Performance claims (RG401): a commit that claims a speed-up shows the measurement.

rules  RG401, pure

May import: reviewgate.policy, reviewgate.model, reviewgate.errors.
"""
