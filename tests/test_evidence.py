"""Citations of scenarios/evidence.md point at sections that exist, and nothing cites outside.

Why: scenario comments, docstrings and the README justify defaults by section number
("evidence.md 4.1"); a renumbered or missing section would leave a default without its source,
and a citation of a file outside the repository cannot be followed from a user's clone.
"""

import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVIDENCE = ROOT / "scenarios" / "evidence.md"

NUMBER = r"\d+(?:\.\d+)?"
CITATION = re.compile(
    rf"evidence\.md (?:sections? |§)?({NUMBER}(?:(?:, | and |-){NUMBER}(?![\d,]\d))*)"
)


def _sections() -> set[str]:
    """Section numbers of evidence.md, from its headings ("## 4. ..." -> "4", "### 4.1 ...")."""
    text = EVIDENCE.read_text(encoding="utf-8")
    return set(re.findall(rf"^#{{2,3}} ({NUMBER})\.?\s", text, flags=re.MULTILINE))


def _project_texts() -> dict[str, str]:
    """Scenario files, READMEs, notebook cell sources, and the package's and tests' Python."""
    texts = {}
    paths = [*ROOT.glob("scenarios/*.toml"), ROOT / "README.md", ROOT / "results" / "README.md"]
    paths += [*ROOT.glob("sim/**/*.py"), *ROOT.glob("tests/**/*.py")]
    for path in paths:
        texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for path in ROOT.glob("notebooks/*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts[str(path.relative_to(ROOT))] = "\n".join("".join(c["source"]) for c in cells)
    return texts


def test_evidence_md_keeps_the_section_numbers_citations_rely_on():
    expected = {"0", "1", "2", "3", "4", "5", "6"}
    expected |= {f"1.{i}" for i in range(1, 7)} | {"4.1", "4.2", "4.3", "5.1", "5.2", "5.3"}
    assert _sections() == expected
    text = EVIDENCE.read_text(encoding="utf-8")
    for heading in ("## Parameter table", "## Gaps", "## Provider market facts for calibration"):
        assert heading in text
    for marker in ("[EST]", "[NOT FOUND]", "[UNVERIFIED]"):
        assert f"**{marker}**" in text.split("## 0.")[0], f"{marker} is explained at the top"


def test_every_numbered_citation_of_evidence_md_names_an_existing_section():
    sections = _sections()
    broken = []
    for name, text in _project_texts().items():
        for match in CITATION.finditer(text):
            for number in re.split(r", | and |-", match.group(1)):
                if number not in sections:
                    line = text.count("\n", 0, match.start()) + 1
                    broken.append(f"{name}:{line}: {match.group(0)}")
    assert not broken, "citations of missing sections:\n" + "\n".join(broken)


def test_scenarios_readmes_notebooks_and_tests_cite_nothing_outside_the_repository():
    outside = []
    for name, text in _project_texts().items():
        if name.startswith("sim/") or name == "tests/test_evidence.py":
            continue
        for word in (os.path.join("..", "shared"), "DOMAIN"):  # joined: this test cites nothing
            if word in text:
                outside.append(f"{name}: {word}")
    assert not outside, "\n".join(outside)
