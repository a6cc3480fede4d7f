"""Human sign-off before merge (RG301–RG304).

sources    where a commit's sign-offs come from (trailers, merges, ranges, approvals)
gather     what the sign-off rules need from git, in as few processes as possible
ranges     what Signoff-range statements cover, all of them in one walk
approvals  `reviewgate approve` records in git notes, read back verified
signing    sign and check approval records with ssh-keygen and gpg
rules      RG301–RG304, pure

May import: reviewgate.disclosure (is a commit assisted, is a reviewer a tool),
reviewgate.pairs (test waivers need a sign-off), and the layers below them.
Not verify.
"""
