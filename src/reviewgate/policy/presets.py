"""Policy presets: the written AI policies of real projects as base policies.

`extends: kernel` in .reviewgate.yaml starts from the preset's values; every key
the file sets overrides the preset's. Each preset is a YAML file in
policy/presets/, read by the same loader as a repository's policy (so its errors
name file and line too), and each entry below records where its rules were read
and when. docs/presets.md explains every preset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PRESET_DIR = Path(__file__).resolve().parent / "presets"


@dataclass(frozen=True)
class Preset:
    name: str
    summary: str
    sources: tuple[str, ...]  # the project's own policy documents
    read: str  # the date the sources were read, YYYY-MM-DD

    @property
    def path(self) -> Path:
        return PRESET_DIR / f"{self.name}.yaml"


_READ = "2026-12-07"
PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "kernel",
            "Linux kernel: Assisted-by: AGENT:MODEL [TOOLS]; no tool in Signed-off-by or "
            "Co-developed-by; a human submits",
            ("https://www.kernel.org/doc/html/next/process/coding-assistants.html",
             "https://www.kernel.org/doc/html/next/process/generated-content.html"),
            _READ,
        ),
        Preset(
            "kernel-llm",
            "Linux kernel, the shorter Assisted-by: LLM [TOOLS] form (AGENT:MODEL still "
            "accepted); otherwise as kernel",
            ("https://www.kernel.org/doc/html/next/process/coding-assistants.html",),
            _READ,
        ),
        Preset(
            "mesa",
            "Mesa: disclose generative AI use; a human opens the merge request; "
            "Co-authored-by names people",
            ("https://docs.mesa3d.org/submittingpatches.html",
             "https://gitlab.freedesktop.org/mesa/mesa/-/merge_requests/40617"),
            _READ,
        ),
        Preset(
            "llvm",
            "LLVM: human in the loop, the contributor is always the author; label "
            "substantial tool-generated content, e.g. with Assisted-by:",
            ("https://llvm.org/docs/AIToolPolicy.html",),
            _READ,
        ),
        Preset(
            "asf",
            "Apache Software Foundation: disclose generative tooling with a Generated-by: token",
            ("https://www.apache.org/legal/generative-tooling.html",),
            _READ,
        ),
        Preset(
            "fedora",
            "Fedora: disclose significant AI use with an Assisted-by: trailer; the "
            "contributor is always the author",
            ("https://docs.fedoraproject.org/en-US/council/policy/ai-contribution-policy/",
             "https://discussion.fedoraproject.org/t/council-policy-proposal-policy-on-ai-assisted-contributions/165092"),
            _READ,
        ),
        Preset(
            "openinfra",
            "OpenInfra Foundation (OpenStack): label generated content with Generated-By:",
            ("https://openinfra.dev/legal/ai-policy",),
            _READ,
        ),
        Preset(
            "kubernetes",
            "Kubernetes: disclose AI use in the pull request description; no AI "
            "co-author, no tool-written commits",
            ("https://www.kubernetes.dev/docs/guide/pull-requests/#ai-guidance",),
            _READ,
        ),
        Preset(
            "qemu",
            "QEMU: contributions known or suspected to include AI-generated code are declined",
            ("https://www.qemu.org/docs/master/devel/code-provenance.html",),
            _READ,
        ),
        Preset(
            "gentoo",
            "Gentoo: content created with the assistance of NLP AI tools is forbidden",
            ("https://wiki.gentoo.org/wiki/Project:Council/AI_policy",),
            _READ,
        ),
        Preset(
            "netbsd",
            "NetBSD: LLM-generated code is presumed tainted and needs core's written approval",
            ("https://www.netbsd.org/developers/commit-guidelines.html",),
            _READ,
        ),
    )
}


def preset_source(name: str) -> str:
    """How origins and errors name the preset's file: the path inside the package."""
    return f"reviewgate/policy/presets/{name}.yaml"
