"""Regenerate the Intl locale tables in src/embedsandbox/_guest/js_prelude.js from Node's ICU.

    node scripts/intl/gennum.js > /tmp/num.json
    node scripts/intl/gendate.js > /tmp/date.json
    python scripts/intl/embed.py /tmp/num.json /tmp/date.json

The tables (LOCALE_DATA in the prelude's Intl section) were made with Node 20.20.2; the
expected strings in tests/guests/test_javascript_intl.py come from the same Node.
"""

import json
import re
import sys
from pathlib import Path

PRELUDE = Path(__file__).resolve().parents[2] / "src" / "embedsandbox" / "_guest" / "js_prelude.js"


def main(num_path: str, date_path: str) -> None:
    """Write the tables from Node's JSON output into the prelude's LOCALE_DATA."""
    text = PRELUDE.read_text()
    num = json.loads(Path(num_path).read_text())
    date = json.loads(Path(date_path).read_text())

    def esc(s: str) -> str:
        return re.sub(r"[^\x20-\x7e]", lambda m: "\\u%04x" % ord(m.group()), s)

    lines = []
    for locale in ["en", "en-GB", "de", "fr", "es", "ja"]:
        data = {"num": num[locale], "date": date[locale]}
        s = esc(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        assert "'" not in s
        key = json.dumps(locale) if "-" in locale else locale
        lines.append(f"    {key}: '{s}',")
    start = text.index("  const LOCALE_DATA = {\n") + len("  const LOCALE_DATA = {\n")
    end = text.index("  };\n", start)
    PRELUDE.write_text(text[:start] + "\n".join(lines) + "\n" + text[end:])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
