"""Intl in JavaScript guests: the prelude's ECMA-402 subset (see the Intl section of
src/embedsandbox/_guest/js_prelude.js) against Node 20.

NODE_CASES: each expected value was produced ONCE by running the expression in Node 20
(ICU 73, TZ=UTC) and is written here as data; the guest must match it exactly (including
U+00A0 / U+202F spaces). SANDBOX_CASES: where the sandbox deliberately differs from Node
(locales it does not have, options it refuses with a RangeError), written by hand.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from embedsandbox import Sandbox

pytestmark = pytest.mark.guest

# Shared by every case: short names for the constructors and two fixed instants (UTC).
HELPERS = """const NF = (l, o) => new Intl.NumberFormat(l, o);
const DT = (l, o) => new Intl.DateTimeFormat(l, { timeZone: "UTC", ...o });
const D1 = new Date(Date.UTC(2024, 0, 5, 14, 7, 9));
const D2 = new Date(Date.UTC(1999, 11, 31, 0, 5, 0));
const error = (f) => { try { f(); return "no error"; } catch (e) { return `${e.constructor.name}: ${e.message}`; } };
"""

# (id, JavaScript expression, Node 20 result)
NODE_CASES: list[tuple[str, str, Any]] = [
    (
        "nf-decimal-en-US",
        '[NF("en-US").format(-1234567.891), NF("en-US").format(1234), NF("en-US").format(12345), NF("en-US").format(0.5)]',
        ["-1,234,567.891", "1,234", "12,345", "0.5"],
    ),
    (
        "nf-decimal-en-GB",
        '[NF("en-GB").format(-1234567.891), NF("en-GB").format(1234), NF("en-GB").format(12345), NF("en-GB").format(0.5)]',
        ["-1,234,567.891", "1,234", "12,345", "0.5"],
    ),
    (
        "nf-decimal-de-DE",
        '[NF("de-DE").format(-1234567.891), NF("de-DE").format(1234), NF("de-DE").format(12345), NF("de-DE").format(0.5)]',
        ["-1.234.567,891", "1.234", "12.345", "0,5"],
    ),
    (
        "nf-decimal-fr-FR",
        '[NF("fr-FR").format(-1234567.891), NF("fr-FR").format(1234), NF("fr-FR").format(12345), NF("fr-FR").format(0.5)]',
        ["-1\u202f234\u202f567,891", "1\u202f234", "12\u202f345", "0,5"],
    ),
    (
        "nf-decimal-es-ES",
        '[NF("es-ES").format(-1234567.891), NF("es-ES").format(1234), NF("es-ES").format(12345), NF("es-ES").format(0.5)]',
        ["-1.234.567,891", "1234", "12.345", "0,5"],
    ),
    (
        "nf-decimal-ja-JP",
        '[NF("ja-JP").format(-1234567.891), NF("ja-JP").format(1234), NF("ja-JP").format(12345), NF("ja-JP").format(0.5)]',
        ["-1,234,567.891", "1,234", "12,345", "0.5"],
    ),
    (
        "nf-percent-en-US",
        "[NF(\"en-US\", {style: 'percent'}).format(0.256), NF(\"en-US\", {style: 'percent', maximumFractionDigits: 1}).format(-0.12345)]",
        ["26%", "-12.3%"],
    ),
    (
        "nf-percent-en-GB",
        "[NF(\"en-GB\", {style: 'percent'}).format(0.256), NF(\"en-GB\", {style: 'percent', maximumFractionDigits: 1}).format(-0.12345)]",
        ["26%", "-12.3%"],
    ),
    (
        "nf-percent-de-DE",
        "[NF(\"de-DE\", {style: 'percent'}).format(0.256), NF(\"de-DE\", {style: 'percent', maximumFractionDigits: 1}).format(-0.12345)]",
        ["26\xa0%", "-12,3\xa0%"],
    ),
    (
        "nf-percent-fr-FR",
        "[NF(\"fr-FR\", {style: 'percent'}).format(0.256), NF(\"fr-FR\", {style: 'percent', maximumFractionDigits: 1}).format(-0.12345)]",
        ["26\xa0%", "-12,3\xa0%"],
    ),
    (
        "nf-percent-es-ES",
        "[NF(\"es-ES\", {style: 'percent'}).format(0.256), NF(\"es-ES\", {style: 'percent', maximumFractionDigits: 1}).format(-0.12345)]",
        ["26\xa0%", "-12,3\xa0%"],
    ),
    (
        "nf-percent-ja-JP",
        "[NF(\"ja-JP\", {style: 'percent'}).format(0.256), NF(\"ja-JP\", {style: 'percent', maximumFractionDigits: 1}).format(-0.12345)]",
        ["26%", "-12.3%"],
    ),
    (
        "nf-grouping-en-US",
        "[false, 'always', 'min2', true].map((g) => NF(\"en-US\", {useGrouping: g}).format(1234567.5) + ' ' + NF(\"en-US\", {useGrouping: g}).format(1234))",
        ["1234567.5 1234", "1,234,567.5 1,234", "1,234,567.5 1234", "1,234,567.5 1,234"],
    ),
    (
        "nf-grouping-en-GB",
        "[false, 'always', 'min2', true].map((g) => NF(\"en-GB\", {useGrouping: g}).format(1234567.5) + ' ' + NF(\"en-GB\", {useGrouping: g}).format(1234))",
        ["1234567.5 1234", "1,234,567.5 1,234", "1,234,567.5 1234", "1,234,567.5 1,234"],
    ),
    (
        "nf-grouping-de-DE",
        "[false, 'always', 'min2', true].map((g) => NF(\"de-DE\", {useGrouping: g}).format(1234567.5) + ' ' + NF(\"de-DE\", {useGrouping: g}).format(1234))",
        ["1234567,5 1234", "1.234.567,5 1.234", "1.234.567,5 1234", "1.234.567,5 1.234"],
    ),
    (
        "nf-grouping-fr-FR",
        "[false, 'always', 'min2', true].map((g) => NF(\"fr-FR\", {useGrouping: g}).format(1234567.5) + ' ' + NF(\"fr-FR\", {useGrouping: g}).format(1234))",
        [
            "1234567,5 1234",
            "1\u202f234\u202f567,5 1\u202f234",
            "1\u202f234\u202f567,5 1234",
            "1\u202f234\u202f567,5 1\u202f234",
        ],
    ),
    (
        "nf-grouping-es-ES",
        "[false, 'always', 'min2', true].map((g) => NF(\"es-ES\", {useGrouping: g}).format(1234567.5) + ' ' + NF(\"es-ES\", {useGrouping: g}).format(1234))",
        ["1234567,5 1234", "1.234.567,5 1.234", "1.234.567,5 1234", "1.234.567,5 1.234"],
    ),
    (
        "nf-grouping-ja-JP",
        "[false, 'always', 'min2', true].map((g) => NF(\"ja-JP\", {useGrouping: g}).format(1234567.5) + ' ' + NF(\"ja-JP\", {useGrouping: g}).format(1234))",
        ["1234567.5 1234", "1,234,567.5 1,234", "1,234,567.5 1234", "1,234,567.5 1,234"],
    ),
    (
        "nf-digits-en-US",
        '[NF("en-US", {minimumFractionDigits: 2}).format(3), NF("en-US", {maximumFractionDigits: 2}).format(1.005), NF("en-US", {maximumFractionDigits: 0}).format(2.5), NF("en-US", {maximumFractionDigits: 0}).format(-2.5), NF("en-US", {minimumIntegerDigits: 3}).format(7.25), NF("en-US", {maximumSignificantDigits: 3}).format(123456), NF("en-US", {minimumSignificantDigits: 3}).format(0.5)]',
        ["3.00", "1.01", "3", "-3", "007.25", "123,000", "0.500"],
    ),
    (
        "nf-digits-en-GB",
        '[NF("en-GB", {minimumFractionDigits: 2}).format(3), NF("en-GB", {maximumFractionDigits: 2}).format(1.005), NF("en-GB", {maximumFractionDigits: 0}).format(2.5), NF("en-GB", {maximumFractionDigits: 0}).format(-2.5), NF("en-GB", {minimumIntegerDigits: 3}).format(7.25), NF("en-GB", {maximumSignificantDigits: 3}).format(123456), NF("en-GB", {minimumSignificantDigits: 3}).format(0.5)]',
        ["3.00", "1.01", "3", "-3", "007.25", "123,000", "0.500"],
    ),
    (
        "nf-digits-de-DE",
        '[NF("de-DE", {minimumFractionDigits: 2}).format(3), NF("de-DE", {maximumFractionDigits: 2}).format(1.005), NF("de-DE", {maximumFractionDigits: 0}).format(2.5), NF("de-DE", {maximumFractionDigits: 0}).format(-2.5), NF("de-DE", {minimumIntegerDigits: 3}).format(7.25), NF("de-DE", {maximumSignificantDigits: 3}).format(123456), NF("de-DE", {minimumSignificantDigits: 3}).format(0.5)]',
        ["3,00", "1,01", "3", "-3", "007,25", "123.000", "0,500"],
    ),
    (
        "nf-digits-fr-FR",
        '[NF("fr-FR", {minimumFractionDigits: 2}).format(3), NF("fr-FR", {maximumFractionDigits: 2}).format(1.005), NF("fr-FR", {maximumFractionDigits: 0}).format(2.5), NF("fr-FR", {maximumFractionDigits: 0}).format(-2.5), NF("fr-FR", {minimumIntegerDigits: 3}).format(7.25), NF("fr-FR", {maximumSignificantDigits: 3}).format(123456), NF("fr-FR", {minimumSignificantDigits: 3}).format(0.5)]',
        ["3,00", "1,01", "3", "-3", "007,25", "123\u202f000", "0,500"],
    ),
    (
        "nf-digits-es-ES",
        '[NF("es-ES", {minimumFractionDigits: 2}).format(3), NF("es-ES", {maximumFractionDigits: 2}).format(1.005), NF("es-ES", {maximumFractionDigits: 0}).format(2.5), NF("es-ES", {maximumFractionDigits: 0}).format(-2.5), NF("es-ES", {minimumIntegerDigits: 3}).format(7.25), NF("es-ES", {maximumSignificantDigits: 3}).format(123456), NF("es-ES", {minimumSignificantDigits: 3}).format(0.5)]',
        ["3,00", "1,01", "3", "-3", "007,25", "123.000", "0,500"],
    ),
    (
        "nf-digits-ja-JP",
        '[NF("ja-JP", {minimumFractionDigits: 2}).format(3), NF("ja-JP", {maximumFractionDigits: 2}).format(1.005), NF("ja-JP", {maximumFractionDigits: 0}).format(2.5), NF("ja-JP", {maximumFractionDigits: 0}).format(-2.5), NF("ja-JP", {minimumIntegerDigits: 3}).format(7.25), NF("ja-JP", {maximumSignificantDigits: 3}).format(123456), NF("ja-JP", {minimumSignificantDigits: 3}).format(0.5)]',
        ["3.00", "1.01", "3", "-3", "007.25", "123,000", "0.500"],
    ),
    (
        "nf-signDisplay-en-US",
        "['auto', 'always', 'exceptZero', 'negative', 'never'].map((s) => [-1, 0, -0, 1].map((n) => NF(\"en-US\", {signDisplay: s}).format(n)).join(' '))",
        ["-1 0 -0 1", "-1 +0 -0 +1", "-1 0 0 +1", "-1 0 0 1", "1 0 0 1"],
    ),
    (
        "nf-signDisplay-en-GB",
        "['auto', 'always', 'exceptZero', 'negative', 'never'].map((s) => [-1, 0, -0, 1].map((n) => NF(\"en-GB\", {signDisplay: s}).format(n)).join(' '))",
        ["-1 0 -0 1", "-1 +0 -0 +1", "-1 0 0 +1", "-1 0 0 1", "1 0 0 1"],
    ),
    (
        "nf-signDisplay-de-DE",
        "['auto', 'always', 'exceptZero', 'negative', 'never'].map((s) => [-1, 0, -0, 1].map((n) => NF(\"de-DE\", {signDisplay: s}).format(n)).join(' '))",
        ["-1 0 -0 1", "-1 +0 -0 +1", "-1 0 0 +1", "-1 0 0 1", "1 0 0 1"],
    ),
    (
        "nf-signDisplay-fr-FR",
        "['auto', 'always', 'exceptZero', 'negative', 'never'].map((s) => [-1, 0, -0, 1].map((n) => NF(\"fr-FR\", {signDisplay: s}).format(n)).join(' '))",
        ["-1 0 -0 1", "-1 +0 -0 +1", "-1 0 0 +1", "-1 0 0 1", "1 0 0 1"],
    ),
    (
        "nf-signDisplay-es-ES",
        "['auto', 'always', 'exceptZero', 'negative', 'never'].map((s) => [-1, 0, -0, 1].map((n) => NF(\"es-ES\", {signDisplay: s}).format(n)).join(' '))",
        ["-1 0 -0 1", "-1 +0 -0 +1", "-1 0 0 +1", "-1 0 0 1", "1 0 0 1"],
    ),
    (
        "nf-signDisplay-ja-JP",
        "['auto', 'always', 'exceptZero', 'negative', 'never'].map((s) => [-1, 0, -0, 1].map((n) => NF(\"ja-JP\", {signDisplay: s}).format(n)).join(' '))",
        ["-1 0 -0 1", "-1 +0 -0 +1", "-1 0 0 +1", "-1 0 0 1", "1 0 0 1"],
    ),
    (
        "nf-special-en-US",
        '[NaN, Infinity, -Infinity, -0].map((n) => NF("en-US").format(n))',
        ["NaN", "∞", "-∞", "-0"],
    ),
    (
        "nf-special-en-GB",
        '[NaN, Infinity, -Infinity, -0].map((n) => NF("en-GB").format(n))',
        ["NaN", "∞", "-∞", "-0"],
    ),
    (
        "nf-special-de-DE",
        '[NaN, Infinity, -Infinity, -0].map((n) => NF("de-DE").format(n))',
        ["NaN", "∞", "-∞", "-0"],
    ),
    (
        "nf-special-fr-FR",
        '[NaN, Infinity, -Infinity, -0].map((n) => NF("fr-FR").format(n))',
        ["NaN", "∞", "-∞", "-0"],
    ),
    (
        "nf-special-es-ES",
        '[NaN, Infinity, -Infinity, -0].map((n) => NF("es-ES").format(n))',
        ["NaN", "∞", "-∞", "-0"],
    ),
    (
        "nf-special-ja-JP",
        '[NaN, Infinity, -Infinity, -0].map((n) => NF("ja-JP").format(n))',
        ["NaN", "∞", "-∞", "-0"],
    ),
    (
        "nf-USD-en-US",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"en-US\", {style: 'currency', currency: 'USD', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "$1.00 / -$1,234.57",
            "$1.00 / -$1,234.57",
            "USD\xa01.00 / -USD\xa01,234.57",
            "1.00 US dollars / -1,234.57 US dollars",
        ],
    ),
    (
        "nf-USD-en-GB",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"en-GB\", {style: 'currency', currency: 'USD', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "US$1.00 / -US$1,234.57",
            "$1.00 / -$1,234.57",
            "USD\xa01.00 / -USD\xa01,234.57",
            "1.00 US dollars / -1,234.57 US dollars",
        ],
    ),
    (
        "nf-USD-de-DE",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"de-DE\", {style: 'currency', currency: 'USD', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1,00\xa0$ / -1.234,57\xa0$",
            "1,00\xa0$ / -1.234,57\xa0$",
            "1,00\xa0USD / -1.234,57\xa0USD",
            "1,00 US-Dollar / -1.234,57 US-Dollar",
        ],
    ),
    (
        "nf-USD-fr-FR",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"fr-FR\", {style: 'currency', currency: 'USD', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1,00\xa0$US / -1\u202f234,57\xa0$US",
            "1,00\xa0$ / -1\u202f234,57\xa0$",
            "1,00\xa0USD / -1\u202f234,57\xa0USD",
            "1,00 dollar des États-Unis / -1\u202f234,57 dollars des États-Unis",
        ],
    ),
    (
        "nf-USD-es-ES",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"es-ES\", {style: 'currency', currency: 'USD', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1,00\xa0US$ / -1234,57\xa0US$",
            "1,00\xa0$ / -1234,57\xa0$",
            "1,00\xa0USD / -1234,57\xa0USD",
            "1,00 dólar estadounidense / -1234,57 dólares estadounidenses",
        ],
    ),
    (
        "nf-USD-ja-JP",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"ja-JP\", {style: 'currency', currency: 'USD', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "$1.00 / -$1,234.57",
            "$1.00 / -$1,234.57",
            "USD\xa01.00 / -USD\xa01,234.57",
            "1.00米ドル / -1,234.57米ドル",
        ],
    ),
    (
        "nf-EUR-en-US",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"en-US\", {style: 'currency', currency: 'EUR', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "€1.00 / -€1,234.57",
            "€1.00 / -€1,234.57",
            "EUR\xa01.00 / -EUR\xa01,234.57",
            "1.00 euros / -1,234.57 euros",
        ],
    ),
    (
        "nf-EUR-en-GB",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"en-GB\", {style: 'currency', currency: 'EUR', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "€1.00 / -€1,234.57",
            "€1.00 / -€1,234.57",
            "EUR\xa01.00 / -EUR\xa01,234.57",
            "1.00 euros / -1,234.57 euros",
        ],
    ),
    (
        "nf-EUR-de-DE",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"de-DE\", {style: 'currency', currency: 'EUR', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1,00\xa0€ / -1.234,57\xa0€",
            "1,00\xa0€ / -1.234,57\xa0€",
            "1,00\xa0EUR / -1.234,57\xa0EUR",
            "1,00 Euro / -1.234,57 Euro",
        ],
    ),
    (
        "nf-EUR-fr-FR",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"fr-FR\", {style: 'currency', currency: 'EUR', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1,00\xa0€ / -1\u202f234,57\xa0€",
            "1,00\xa0€ / -1\u202f234,57\xa0€",
            "1,00\xa0EUR / -1\u202f234,57\xa0EUR",
            "1,00 euro / -1\u202f234,57 euros",
        ],
    ),
    (
        "nf-EUR-es-ES",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"es-ES\", {style: 'currency', currency: 'EUR', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1,00\xa0€ / -1234,57\xa0€",
            "1,00\xa0€ / -1234,57\xa0€",
            "1,00\xa0EUR / -1234,57\xa0EUR",
            "1,00 euro / -1234,57 euros",
        ],
    ),
    (
        "nf-EUR-ja-JP",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"ja-JP\", {style: 'currency', currency: 'EUR', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "€1.00 / -€1,234.57",
            "€1.00 / -€1,234.57",
            "EUR\xa01.00 / -EUR\xa01,234.57",
            "1.00ユーロ / -1,234.57ユーロ",
        ],
    ),
    (
        "nf-GBP-en-US",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"en-US\", {style: 'currency', currency: 'GBP', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "£1.00 / -£1,234.57",
            "£1.00 / -£1,234.57",
            "GBP\xa01.00 / -GBP\xa01,234.57",
            "1.00 British pounds / -1,234.57 British pounds",
        ],
    ),
    (
        "nf-GBP-en-GB",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"en-GB\", {style: 'currency', currency: 'GBP', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "£1.00 / -£1,234.57",
            "£1.00 / -£1,234.57",
            "GBP\xa01.00 / -GBP\xa01,234.57",
            "1.00 British pounds / -1,234.57 British pounds",
        ],
    ),
    (
        "nf-GBP-de-DE",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"de-DE\", {style: 'currency', currency: 'GBP', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1,00\xa0£ / -1.234,57\xa0£",
            "1,00\xa0£ / -1.234,57\xa0£",
            "1,00\xa0GBP / -1.234,57\xa0GBP",
            "1,00 Britische Pfund / -1.234,57 Britische Pfund",
        ],
    ),
    (
        "nf-GBP-fr-FR",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"fr-FR\", {style: 'currency', currency: 'GBP', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1,00\xa0£GB / -1\u202f234,57\xa0£GB",
            "1,00\xa0£ / -1\u202f234,57\xa0£",
            "1,00\xa0GBP / -1\u202f234,57\xa0GBP",
            "1,00 livre sterling / -1\u202f234,57 livres sterling",
        ],
    ),
    (
        "nf-GBP-es-ES",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"es-ES\", {style: 'currency', currency: 'GBP', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1,00\xa0GBP / -1234,57\xa0GBP",
            "1,00\xa0£ / -1234,57\xa0£",
            "1,00\xa0GBP / -1234,57\xa0GBP",
            "1,00 libra esterlina / -1234,57 libras esterlinas",
        ],
    ),
    (
        "nf-GBP-ja-JP",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"ja-JP\", {style: 'currency', currency: 'GBP', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "£1.00 / -£1,234.57",
            "£1.00 / -£1,234.57",
            "GBP\xa01.00 / -GBP\xa01,234.57",
            "1.00英国ポンド / -1,234.57英国ポンド",
        ],
    ),
    (
        "nf-JPY-en-US",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"en-US\", {style: 'currency', currency: 'JPY', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "¥1 / -¥1,235",
            "¥1 / -¥1,235",
            "JPY\xa01 / -JPY\xa01,235",
            "1 Japanese yen / -1,235 Japanese yen",
        ],
    ),
    (
        "nf-JPY-en-GB",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"en-GB\", {style: 'currency', currency: 'JPY', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "JP¥1 / -JP¥1,235",
            "¥1 / -¥1,235",
            "JPY\xa01 / -JPY\xa01,235",
            "1 Japanese yen / -1,235 Japanese yen",
        ],
    ),
    (
        "nf-JPY-de-DE",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"de-DE\", {style: 'currency', currency: 'JPY', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1\xa0¥ / -1.235\xa0¥",
            "1\xa0¥ / -1.235\xa0¥",
            "1\xa0JPY / -1.235\xa0JPY",
            "1 Japanischer Yen / -1.235 Japanische Yen",
        ],
    ),
    (
        "nf-JPY-fr-FR",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"fr-FR\", {style: 'currency', currency: 'JPY', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1\xa0JPY / -1\u202f235\xa0JPY",
            "1\xa0¥ / -1\u202f235\xa0¥",
            "1\xa0JPY / -1\u202f235\xa0JPY",
            "1 yen japonais / -1\u202f235 yens japonais",
        ],
    ),
    (
        "nf-JPY-es-ES",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"es-ES\", {style: 'currency', currency: 'JPY', currencyDisplay: d}).format(n)).join(' / '))",
        [
            "1\xa0JPY / -1235\xa0JPY",
            "1\xa0¥ / -1235\xa0¥",
            "1\xa0JPY / -1235\xa0JPY",
            "1 yen japonés / -1235 yenes japoneses",
        ],
    ),
    (
        "nf-JPY-ja-JP",
        "['symbol', 'narrowSymbol', 'code', 'name'].map((d) => [1, -1234.567].map((n) => NF(\"ja-JP\", {style: 'currency', currency: 'JPY', currencyDisplay: d}).format(n)).join(' / '))",
        ["￥1 / -￥1,235", "￥1 / -￥1,235", "JPY\xa01 / -JPY\xa01,235", "1円 / -1,235円"],
    ),
    (
        "nf-accounting-en-US",
        "[-5, 5].map((n) => NF(\"en-US\", {style: 'currency', currency: 'USD', currencySign: 'accounting'}).format(n))",
        ["($5.00)", "$5.00"],
    ),
    (
        "nf-accounting-en-GB",
        "[-5, 5].map((n) => NF(\"en-GB\", {style: 'currency', currency: 'USD', currencySign: 'accounting'}).format(n))",
        ["(US$5.00)", "US$5.00"],
    ),
    (
        "nf-accounting-de-DE",
        "[-5, 5].map((n) => NF(\"de-DE\", {style: 'currency', currency: 'USD', currencySign: 'accounting'}).format(n))",
        ["-5,00\xa0$", "5,00\xa0$"],
    ),
    (
        "nf-accounting-fr-FR",
        "[-5, 5].map((n) => NF(\"fr-FR\", {style: 'currency', currency: 'USD', currencySign: 'accounting'}).format(n))",
        ["(5,00\xa0$US)", "5,00\xa0$US"],
    ),
    (
        "nf-accounting-es-ES",
        "[-5, 5].map((n) => NF(\"es-ES\", {style: 'currency', currency: 'USD', currencySign: 'accounting'}).format(n))",
        ["-5,00\xa0US$", "5,00\xa0US$"],
    ),
    (
        "nf-accounting-ja-JP",
        "[-5, 5].map((n) => NF(\"ja-JP\", {style: 'currency', currency: 'USD', currencySign: 'accounting'}).format(n))",
        ["($5.00)", "$5.00"],
    ),
    (
        "nf-formatToParts-en-US",
        "NF(\"en-US\", {style: 'currency', currency: 'EUR'}).formatToParts(-1234.5)",
        [
            {"type": "minusSign", "value": "-"},
            {"type": "currency", "value": "€"},
            {"type": "integer", "value": "1"},
            {"type": "group", "value": ","},
            {"type": "integer", "value": "234"},
            {"type": "decimal", "value": "."},
            {"type": "fraction", "value": "50"},
        ],
    ),
    (
        "nf-formatToParts-en-GB",
        "NF(\"en-GB\", {style: 'currency', currency: 'EUR'}).formatToParts(-1234.5)",
        [
            {"type": "minusSign", "value": "-"},
            {"type": "currency", "value": "€"},
            {"type": "integer", "value": "1"},
            {"type": "group", "value": ","},
            {"type": "integer", "value": "234"},
            {"type": "decimal", "value": "."},
            {"type": "fraction", "value": "50"},
        ],
    ),
    (
        "nf-formatToParts-de-DE",
        "NF(\"de-DE\", {style: 'currency', currency: 'EUR'}).formatToParts(-1234.5)",
        [
            {"type": "minusSign", "value": "-"},
            {"type": "integer", "value": "1"},
            {"type": "group", "value": "."},
            {"type": "integer", "value": "234"},
            {"type": "decimal", "value": ","},
            {"type": "fraction", "value": "50"},
            {"type": "literal", "value": "\xa0"},
            {"type": "currency", "value": "€"},
        ],
    ),
    (
        "nf-formatToParts-fr-FR",
        "NF(\"fr-FR\", {style: 'currency', currency: 'EUR'}).formatToParts(-1234.5)",
        [
            {"type": "minusSign", "value": "-"},
            {"type": "integer", "value": "1"},
            {"type": "group", "value": "\u202f"},
            {"type": "integer", "value": "234"},
            {"type": "decimal", "value": ","},
            {"type": "fraction", "value": "50"},
            {"type": "literal", "value": "\xa0"},
            {"type": "currency", "value": "€"},
        ],
    ),
    (
        "nf-formatToParts-es-ES",
        "NF(\"es-ES\", {style: 'currency', currency: 'EUR'}).formatToParts(-1234.5)",
        [
            {"type": "minusSign", "value": "-"},
            {"type": "integer", "value": "1234"},
            {"type": "decimal", "value": ","},
            {"type": "fraction", "value": "50"},
            {"type": "literal", "value": "\xa0"},
            {"type": "currency", "value": "€"},
        ],
    ),
    (
        "nf-formatToParts-ja-JP",
        "NF(\"ja-JP\", {style: 'currency', currency: 'EUR'}).formatToParts(-1234.5)",
        [
            {"type": "minusSign", "value": "-"},
            {"type": "currency", "value": "€"},
            {"type": "integer", "value": "1"},
            {"type": "group", "value": ","},
            {"type": "integer", "value": "234"},
            {"type": "decimal", "value": "."},
            {"type": "fraction", "value": "50"},
        ],
    ),
    (
        "nf-resolvedOptions-en-US",
        "NF(\"en-US\", {style: 'currency', currency: 'jpy'}).resolvedOptions()",
        {
            "locale": "en-US",
            "numberingSystem": "latn",
            "style": "currency",
            "currency": "JPY",
            "currencyDisplay": "symbol",
            "currencySign": "standard",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 0,
            "useGrouping": "auto",
            "notation": "standard",
            "signDisplay": "auto",
            "roundingMode": "halfExpand",
            "roundingIncrement": 1,
            "trailingZeroDisplay": "auto",
            "roundingPriority": "auto",
        },
    ),
    (
        "nf-resolvedOptions-en-GB",
        "NF(\"en-GB\", {style: 'currency', currency: 'jpy'}).resolvedOptions()",
        {
            "locale": "en-GB",
            "numberingSystem": "latn",
            "style": "currency",
            "currency": "JPY",
            "currencyDisplay": "symbol",
            "currencySign": "standard",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 0,
            "useGrouping": "auto",
            "notation": "standard",
            "signDisplay": "auto",
            "roundingMode": "halfExpand",
            "roundingIncrement": 1,
            "trailingZeroDisplay": "auto",
            "roundingPriority": "auto",
        },
    ),
    (
        "nf-resolvedOptions-de-DE",
        "NF(\"de-DE\", {style: 'currency', currency: 'jpy'}).resolvedOptions()",
        {
            "locale": "de-DE",
            "numberingSystem": "latn",
            "style": "currency",
            "currency": "JPY",
            "currencyDisplay": "symbol",
            "currencySign": "standard",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 0,
            "useGrouping": "auto",
            "notation": "standard",
            "signDisplay": "auto",
            "roundingMode": "halfExpand",
            "roundingIncrement": 1,
            "trailingZeroDisplay": "auto",
            "roundingPriority": "auto",
        },
    ),
    (
        "nf-resolvedOptions-fr-FR",
        "NF(\"fr-FR\", {style: 'currency', currency: 'jpy'}).resolvedOptions()",
        {
            "locale": "fr-FR",
            "numberingSystem": "latn",
            "style": "currency",
            "currency": "JPY",
            "currencyDisplay": "symbol",
            "currencySign": "standard",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 0,
            "useGrouping": "auto",
            "notation": "standard",
            "signDisplay": "auto",
            "roundingMode": "halfExpand",
            "roundingIncrement": 1,
            "trailingZeroDisplay": "auto",
            "roundingPriority": "auto",
        },
    ),
    (
        "nf-resolvedOptions-es-ES",
        "NF(\"es-ES\", {style: 'currency', currency: 'jpy'}).resolvedOptions()",
        {
            "locale": "es-ES",
            "numberingSystem": "latn",
            "style": "currency",
            "currency": "JPY",
            "currencyDisplay": "symbol",
            "currencySign": "standard",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 0,
            "useGrouping": "auto",
            "notation": "standard",
            "signDisplay": "auto",
            "roundingMode": "halfExpand",
            "roundingIncrement": 1,
            "trailingZeroDisplay": "auto",
            "roundingPriority": "auto",
        },
    ),
    (
        "nf-resolvedOptions-ja-JP",
        "NF(\"ja-JP\", {style: 'currency', currency: 'jpy'}).resolvedOptions()",
        {
            "locale": "ja-JP",
            "numberingSystem": "latn",
            "style": "currency",
            "currency": "JPY",
            "currencyDisplay": "symbol",
            "currencySign": "standard",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 0,
            "useGrouping": "auto",
            "notation": "standard",
            "signDisplay": "auto",
            "roundingMode": "halfExpand",
            "roundingIncrement": 1,
            "trailingZeroDisplay": "auto",
            "roundingPriority": "auto",
        },
    ),
    (
        "nf-toLocaleString-en-US",
        '[(1234.5).toLocaleString("en-US"), (0.5).toLocaleString("en-US", {style: \'percent\'}), (12345678901234567890n).toLocaleString("en-US")]',
        ["1,234.5", "50%", "12,345,678,901,234,567,890"],
    ),
    (
        "nf-toLocaleString-en-GB",
        '[(1234.5).toLocaleString("en-GB"), (0.5).toLocaleString("en-GB", {style: \'percent\'}), (12345678901234567890n).toLocaleString("en-GB")]',
        ["1,234.5", "50%", "12,345,678,901,234,567,890"],
    ),
    (
        "nf-toLocaleString-de-DE",
        '[(1234.5).toLocaleString("de-DE"), (0.5).toLocaleString("de-DE", {style: \'percent\'}), (12345678901234567890n).toLocaleString("de-DE")]',
        ["1.234,5", "50\xa0%", "12.345.678.901.234.567.890"],
    ),
    (
        "nf-toLocaleString-fr-FR",
        '[(1234.5).toLocaleString("fr-FR"), (0.5).toLocaleString("fr-FR", {style: \'percent\'}), (12345678901234567890n).toLocaleString("fr-FR")]',
        ["1\u202f234,5", "50\xa0%", "12\u202f345\u202f678\u202f901\u202f234\u202f567\u202f890"],
    ),
    (
        "nf-toLocaleString-es-ES",
        '[(1234.5).toLocaleString("es-ES"), (0.5).toLocaleString("es-ES", {style: \'percent\'}), (12345678901234567890n).toLocaleString("es-ES")]',
        ["1234,5", "50\xa0%", "12.345.678.901.234.567.890"],
    ),
    (
        "nf-toLocaleString-ja-JP",
        '[(1234.5).toLocaleString("ja-JP"), (0.5).toLocaleString("ja-JP", {style: \'percent\'}), (12345678901234567890n).toLocaleString("ja-JP")]',
        ["1,234.5", "50%", "12,345,678,901,234,567,890"],
    ),
    (
        "dt-toLocaleString-en-US",
        '[D1.toLocaleString("en-US"), D1.toLocaleDateString("en-US"), D1.toLocaleTimeString("en-US"), D2.toLocaleString("en-US"), DT("en-US").format(D1)]',
        ["1/5/2024, 2:07:09 PM", "1/5/2024", "2:07:09 PM", "12/31/1999, 12:05:00 AM", "1/5/2024"],
    ),
    (
        "dt-toLocaleString-en-GB",
        '[D1.toLocaleString("en-GB"), D1.toLocaleDateString("en-GB"), D1.toLocaleTimeString("en-GB"), D2.toLocaleString("en-GB"), DT("en-GB").format(D1)]',
        ["05/01/2024, 14:07:09", "05/01/2024", "14:07:09", "31/12/1999, 00:05:00", "05/01/2024"],
    ),
    (
        "dt-toLocaleString-de-DE",
        '[D1.toLocaleString("de-DE"), D1.toLocaleDateString("de-DE"), D1.toLocaleTimeString("de-DE"), D2.toLocaleString("de-DE"), DT("de-DE").format(D1)]',
        ["5.1.2024, 14:07:09", "5.1.2024", "14:07:09", "31.12.1999, 00:05:00", "5.1.2024"],
    ),
    (
        "dt-toLocaleString-fr-FR",
        '[D1.toLocaleString("fr-FR"), D1.toLocaleDateString("fr-FR"), D1.toLocaleTimeString("fr-FR"), D2.toLocaleString("fr-FR"), DT("fr-FR").format(D1)]',
        ["05/01/2024 14:07:09", "05/01/2024", "14:07:09", "31/12/1999 00:05:00", "05/01/2024"],
    ),
    (
        "dt-toLocaleString-es-ES",
        '[D1.toLocaleString("es-ES"), D1.toLocaleDateString("es-ES"), D1.toLocaleTimeString("es-ES"), D2.toLocaleString("es-ES"), DT("es-ES").format(D1)]',
        ["5/1/2024, 14:07:09", "5/1/2024", "14:07:09", "31/12/1999, 0:05:00", "5/1/2024"],
    ),
    (
        "dt-toLocaleString-ja-JP",
        '[D1.toLocaleString("ja-JP"), D1.toLocaleDateString("ja-JP"), D1.toLocaleTimeString("ja-JP"), D2.toLocaleString("ja-JP"), DT("ja-JP").format(D1)]',
        ["2024/1/5 14:07:09", "2024/1/5", "14:07:09", "1999/12/31 0:05:00", "2024/1/5"],
    ),
    (
        "dt-dateStyle-en-US",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"en-US\", {dateStyle: s}).format(D1))",
        ["Friday, January 5, 2024", "January 5, 2024", "Jan 5, 2024", "1/5/24"],
    ),
    (
        "dt-dateStyle-en-GB",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"en-GB\", {dateStyle: s}).format(D1))",
        ["Friday, 5 January 2024", "5 January 2024", "5 Jan 2024", "05/01/2024"],
    ),
    (
        "dt-dateStyle-de-DE",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"de-DE\", {dateStyle: s}).format(D1))",
        ["Freitag, 5. Januar 2024", "5. Januar 2024", "05.01.2024", "05.01.24"],
    ),
    (
        "dt-dateStyle-fr-FR",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"fr-FR\", {dateStyle: s}).format(D1))",
        ["vendredi 5 janvier 2024", "5 janvier 2024", "5 janv. 2024", "05/01/2024"],
    ),
    (
        "dt-dateStyle-es-ES",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"es-ES\", {dateStyle: s}).format(D1))",
        ["viernes, 5 de enero de 2024", "5 de enero de 2024", "5 ene 2024", "5/1/24"],
    ),
    (
        "dt-dateStyle-ja-JP",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"ja-JP\", {dateStyle: s}).format(D1))",
        ["2024年1月5日金曜日", "2024年1月5日", "2024/01/05", "2024/01/05"],
    ),
    (
        "dt-timeStyle-en-US",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"en-US\", {timeStyle: s}).format(D2))",
        ["12:05:00 AM Coordinated Universal Time", "12:05:00 AM UTC", "12:05:00 AM", "12:05 AM"],
    ),
    (
        "dt-timeStyle-en-GB",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"en-GB\", {timeStyle: s}).format(D2))",
        ["00:05:00 Coordinated Universal Time", "00:05:00 UTC", "00:05:00", "00:05"],
    ),
    (
        "dt-timeStyle-de-DE",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"de-DE\", {timeStyle: s}).format(D2))",
        ["00:05:00 Koordinierte Weltzeit", "00:05:00 UTC", "00:05:00", "00:05"],
    ),
    (
        "dt-timeStyle-fr-FR",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"fr-FR\", {timeStyle: s}).format(D2))",
        ["00:05:00 temps universel coordonné", "00:05:00 UTC", "00:05:00", "00:05"],
    ),
    (
        "dt-timeStyle-es-ES",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"es-ES\", {timeStyle: s}).format(D2))",
        ["0:05:00 (tiempo universal coordinado)", "0:05:00 UTC", "0:05:00", "0:05"],
    ),
    (
        "dt-timeStyle-ja-JP",
        "['full', 'long', 'medium', 'short'].map((s) => DT(\"ja-JP\", {timeStyle: s}).format(D2))",
        ["0時05分00秒 協定世界時", "0:05:00 UTC", "0:05:00", "0:05"],
    ),
    (
        "dt-dateStyle-timeStyle-en-US",
        "[DT(\"en-US\", {dateStyle: 'full', timeStyle: 'short'}).format(D1), DT(\"en-US\", {dateStyle: 'medium', timeStyle: 'medium'}).format(D1), DT(\"en-US\", {dateStyle: 'short', timeStyle: 'long', hour12: true}).format(D1)]",
        ["Friday, January 5, 2024 at 2:07 PM", "Jan 5, 2024, 2:07:09 PM", "1/5/24, 2:07:09 PM UTC"],
    ),
    (
        "dt-dateStyle-timeStyle-en-GB",
        "[DT(\"en-GB\", {dateStyle: 'full', timeStyle: 'short'}).format(D1), DT(\"en-GB\", {dateStyle: 'medium', timeStyle: 'medium'}).format(D1), DT(\"en-GB\", {dateStyle: 'short', timeStyle: 'long', hour12: true}).format(D1)]",
        ["Friday, 5 January 2024 at 14:07", "5 Jan 2024, 14:07:09", "05/01/2024, 02:07:09 pm UTC"],
    ),
    (
        "dt-dateStyle-timeStyle-de-DE",
        "[DT(\"de-DE\", {dateStyle: 'full', timeStyle: 'short'}).format(D1), DT(\"de-DE\", {dateStyle: 'medium', timeStyle: 'medium'}).format(D1), DT(\"de-DE\", {dateStyle: 'short', timeStyle: 'long', hour12: true}).format(D1)]",
        ["Freitag, 5. Januar 2024 um 14:07", "05.01.2024, 14:07:09", "05.01.24, 02:07:09 PM UTC"],
    ),
    (
        "dt-dateStyle-timeStyle-fr-FR",
        "[DT(\"fr-FR\", {dateStyle: 'full', timeStyle: 'short'}).format(D1), DT(\"fr-FR\", {dateStyle: 'medium', timeStyle: 'medium'}).format(D1), DT(\"fr-FR\", {dateStyle: 'short', timeStyle: 'long', hour12: true}).format(D1)]",
        ["vendredi 5 janvier 2024 à 14:07", "5 janv. 2024, 14:07:09", "05/01/2024 02:07:09 PM UTC"],
    ),
    (
        "dt-dateStyle-timeStyle-es-ES",
        "[DT(\"es-ES\", {dateStyle: 'full', timeStyle: 'short'}).format(D1), DT(\"es-ES\", {dateStyle: 'medium', timeStyle: 'medium'}).format(D1), DT(\"es-ES\", {dateStyle: 'short', timeStyle: 'long', hour12: true}).format(D1)]",
        ["viernes, 5 de enero de 2024, 14:07", "5 ene 2024, 14:07:09", "5/1/24, 2:07:09 p. m. UTC"],
    ),
    (
        "dt-dateStyle-timeStyle-ja-JP",
        "[DT(\"ja-JP\", {dateStyle: 'full', timeStyle: 'short'}).format(D1), DT(\"ja-JP\", {dateStyle: 'medium', timeStyle: 'medium'}).format(D1), DT(\"ja-JP\", {dateStyle: 'short', timeStyle: 'long', hour12: true}).format(D1)]",
        ["2024年1月5日金曜日 14:07", "2024/01/05 14:07:09", "2024/01/05 午後2:07:09 UTC"],
    ),
    (
        "dt-date-fields-en-US",
        "[{weekday: 'long', year: 'numeric', month: 'long', day: 'numeric'}, {month: 'short', day: 'numeric'}, {year: 'numeric', month: '2-digit', day: '2-digit'}, {year: '2-digit', month: 'numeric'}, {month: 'long', year: 'numeric'}, {month: 'narrow'}, {weekday: 'short'}, {weekday: 'short', day: 'numeric'}, {day: 'numeric'}].map((o) => DT(\"en-US\", o).format(D1))",
        [
            "Friday, January 5, 2024",
            "Jan 5",
            "01/05/2024",
            "1/24",
            "January 2024",
            "J",
            "Fri",
            "5 Fri",
            "5",
        ],
    ),
    (
        "dt-date-fields-en-GB",
        "[{weekday: 'long', year: 'numeric', month: 'long', day: 'numeric'}, {month: 'short', day: 'numeric'}, {year: 'numeric', month: '2-digit', day: '2-digit'}, {year: '2-digit', month: 'numeric'}, {month: 'long', year: 'numeric'}, {month: 'narrow'}, {weekday: 'short'}, {weekday: 'short', day: 'numeric'}, {day: 'numeric'}].map((o) => DT(\"en-GB\", o).format(D1))",
        [
            "Friday, 5 January 2024",
            "5 Jan",
            "05/01/2024",
            "01/24",
            "January 2024",
            "J",
            "Fri",
            "Fri 5",
            "5",
        ],
    ),
    (
        "dt-date-fields-de-DE",
        "[{weekday: 'long', year: 'numeric', month: 'long', day: 'numeric'}, {month: 'short', day: 'numeric'}, {year: 'numeric', month: '2-digit', day: '2-digit'}, {year: '2-digit', month: 'numeric'}, {month: 'long', year: 'numeric'}, {month: 'narrow'}, {weekday: 'short'}, {weekday: 'short', day: 'numeric'}, {day: 'numeric'}].map((o) => DT(\"de-DE\", o).format(D1))",
        [
            "Freitag, 5. Januar 2024",
            "5. Jan.",
            "05.01.2024",
            "1/24",
            "Januar 2024",
            "J",
            "Fr",
            "Fr., 5.",
            "5",
        ],
    ),
    (
        "dt-date-fields-fr-FR",
        "[{weekday: 'long', year: 'numeric', month: 'long', day: 'numeric'}, {month: 'short', day: 'numeric'}, {year: 'numeric', month: '2-digit', day: '2-digit'}, {year: '2-digit', month: 'numeric'}, {month: 'long', year: 'numeric'}, {month: 'narrow'}, {weekday: 'short'}, {weekday: 'short', day: 'numeric'}, {day: 'numeric'}].map((o) => DT(\"fr-FR\", o).format(D1))",
        [
            "vendredi 5 janvier 2024",
            "5 janv.",
            "05/01/2024",
            "01/24",
            "janvier 2024",
            "J",
            "ven.",
            "ven. 5",
            "5",
        ],
    ),
    (
        "dt-date-fields-es-ES",
        "[{weekday: 'long', year: 'numeric', month: 'long', day: 'numeric'}, {month: 'short', day: 'numeric'}, {year: 'numeric', month: '2-digit', day: '2-digit'}, {year: '2-digit', month: 'numeric'}, {month: 'long', year: 'numeric'}, {month: 'narrow'}, {weekday: 'short'}, {weekday: 'short', day: 'numeric'}, {day: 'numeric'}].map((o) => DT(\"es-ES\", o).format(D1))",
        [
            "viernes, 5 de enero de 2024",
            "5 ene",
            "05/01/2024",
            "1/24",
            "enero de 2024",
            "E",
            "vie",
            "vie 5",
            "5",
        ],
    ),
    (
        "dt-date-fields-ja-JP",
        "[{weekday: 'long', year: 'numeric', month: 'long', day: 'numeric'}, {month: 'short', day: 'numeric'}, {year: 'numeric', month: '2-digit', day: '2-digit'}, {year: '2-digit', month: 'numeric'}, {month: 'long', year: 'numeric'}, {month: 'narrow'}, {weekday: 'short'}, {weekday: 'short', day: 'numeric'}, {day: 'numeric'}].map((o) => DT(\"ja-JP\", o).format(D1))",
        [
            "2024年1月5日金曜日",
            "1月5日",
            "2024/01/05",
            "24/1",
            "2024年1月",
            "1月",
            "金",
            "5日(金)",
            "5日",
        ],
    ),
    (
        "dt-time-fields-en-US",
        "[{hour: 'numeric'}, {hour: '2-digit', minute: '2-digit'}, {hour: 'numeric', minute: 'numeric', hour12: true}, {hour: 'numeric', minute: 'numeric', hour12: false}, {hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short'}, {hour: 'numeric', minute: 'numeric', timeZoneName: 'long'}, {hour: 'numeric', hourCycle: 'h11'}, {hour: 'numeric', minute: 'numeric', hourCycle: 'h24'}].map((o) => DT(\"en-US\", o).format(D1) + ' / ' + DT(\"en-US\", o).format(D2))",
        [
            "2 PM / 12 AM",
            "02:07 PM / 12:05 AM",
            "2:07 PM / 12:05 AM",
            "14:07 / 24:05",
            "2:07:09 PM UTC / 12:05:00 AM UTC",
            "2:07 PM Coordinated Universal Time / 12:05 AM Coordinated Universal Time",
            "2 PM / 0 AM",
            "14:07 / 24:05",
        ],
    ),
    (
        "dt-time-fields-en-GB",
        "[{hour: 'numeric'}, {hour: '2-digit', minute: '2-digit'}, {hour: 'numeric', minute: 'numeric', hour12: true}, {hour: 'numeric', minute: 'numeric', hour12: false}, {hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short'}, {hour: 'numeric', minute: 'numeric', timeZoneName: 'long'}, {hour: 'numeric', hourCycle: 'h11'}, {hour: 'numeric', minute: 'numeric', hourCycle: 'h24'}].map((o) => DT(\"en-GB\", o).format(D1) + ' / ' + DT(\"en-GB\", o).format(D2))",
        [
            "14 / 00",
            "14:07 / 00:05",
            "2:07 pm / 0:05 am",
            "14:07 / 00:05",
            "14:07:09 UTC / 0:05:00 UTC",
            "14:07 Coordinated Universal Time / 00:05 Coordinated Universal Time",
            "2 pm / 0 am",
            "14:07 / 24:05",
        ],
    ),
    (
        "dt-time-fields-de-DE",
        "[{hour: 'numeric'}, {hour: '2-digit', minute: '2-digit'}, {hour: 'numeric', minute: 'numeric', hour12: true}, {hour: 'numeric', minute: 'numeric', hour12: false}, {hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short'}, {hour: 'numeric', minute: 'numeric', timeZoneName: 'long'}, {hour: 'numeric', hourCycle: 'h11'}, {hour: 'numeric', minute: 'numeric', hourCycle: 'h24'}].map((o) => DT(\"de-DE\", o).format(D1) + ' / ' + DT(\"de-DE\", o).format(D2))",
        [
            "14 Uhr / 00 Uhr",
            "14:07 / 00:05",
            "2:07 PM / 0:05 AM",
            "14:07 / 00:05",
            "14:07:09 UTC / 0:05:00 UTC",
            "14:07 Koordinierte Weltzeit / 00:05 Koordinierte Weltzeit",
            "2 PM / 0 AM",
            "14:07 / 24:05",
        ],
    ),
    (
        "dt-time-fields-fr-FR",
        "[{hour: 'numeric'}, {hour: '2-digit', minute: '2-digit'}, {hour: 'numeric', minute: 'numeric', hour12: true}, {hour: 'numeric', minute: 'numeric', hour12: false}, {hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short'}, {hour: 'numeric', minute: 'numeric', timeZoneName: 'long'}, {hour: 'numeric', hourCycle: 'h11'}, {hour: 'numeric', minute: 'numeric', hourCycle: 'h24'}].map((o) => DT(\"fr-FR\", o).format(D1) + ' / ' + DT(\"fr-FR\", o).format(D2))",
        [
            "14 h / 00 h",
            "14:07 / 00:05",
            "2:07 PM / 0:05 AM",
            "14:07 / 00:05",
            "14:07:09 UTC / 0:05:00 UTC",
            "14:07 temps universel coordonné / 00:05 temps universel coordonné",
            "2 PM / 0 AM",
            "14:07 / 24:05",
        ],
    ),
    (
        "dt-time-fields-es-ES",
        "[{hour: 'numeric'}, {hour: '2-digit', minute: '2-digit'}, {hour: 'numeric', minute: 'numeric', hour12: true}, {hour: 'numeric', minute: 'numeric', hour12: false}, {hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short'}, {hour: 'numeric', minute: 'numeric', timeZoneName: 'long'}, {hour: 'numeric', hourCycle: 'h11'}, {hour: 'numeric', minute: 'numeric', hourCycle: 'h24'}].map((o) => DT(\"es-ES\", o).format(D1) + ' / ' + DT(\"es-ES\", o).format(D2))",
        [
            "14 / 0",
            "14:07 / 00:05",
            "2:07 p. m. / 0:05 a. m.",
            "14:07 / 0:05",
            "14:07:09 UTC / 0:05:00 UTC",
            "14:07 tiempo universal coordinado / 0:05 tiempo universal coordinado",
            "2 p. m. / 0 a. m.",
            "14:07 / 24:05",
        ],
    ),
    (
        "dt-time-fields-ja-JP",
        "[{hour: 'numeric'}, {hour: '2-digit', minute: '2-digit'}, {hour: 'numeric', minute: 'numeric', hour12: true}, {hour: 'numeric', minute: 'numeric', hour12: false}, {hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short'}, {hour: 'numeric', minute: 'numeric', timeZoneName: 'long'}, {hour: 'numeric', hourCycle: 'h11'}, {hour: 'numeric', minute: 'numeric', hourCycle: 'h24'}].map((o) => DT(\"ja-JP\", o).format(D1) + ' / ' + DT(\"ja-JP\", o).format(D2))",
        [
            "14時 / 0時",
            "14:07 / 00:05",
            "午後2:07 / 午前0:05",
            "14:07 / 0:05",
            "14:07:09 UTC / 0:05:00 UTC",
            "14:07 協定世界時 / 0:05 協定世界時",
            "午後2時 / 午前0時",
            "14:07 / 24:05",
        ],
    ),
    (
        "dt-date-and-time-fields-en-US",
        "[DT(\"en-US\", {year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit'}).format(D1), DT(\"en-US\", {weekday: 'long', hour: 'numeric', minute: 'numeric'}).format(D1), DT(\"en-US\", {month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric'}).format(D1)]",
        ["January 5, 2024 at 2:07 PM", "Friday 2:07 PM", "1/5, 2:07 PM"],
    ),
    (
        "dt-date-and-time-fields-en-GB",
        "[DT(\"en-GB\", {year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit'}).format(D1), DT(\"en-GB\", {weekday: 'long', hour: 'numeric', minute: 'numeric'}).format(D1), DT(\"en-GB\", {month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric'}).format(D1)]",
        ["5 January 2024 at 14:07", "Friday 14:07", "05/01, 14:07"],
    ),
    (
        "dt-date-and-time-fields-de-DE",
        "[DT(\"de-DE\", {year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit'}).format(D1), DT(\"de-DE\", {weekday: 'long', hour: 'numeric', minute: 'numeric'}).format(D1), DT(\"de-DE\", {month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric'}).format(D1)]",
        ["5. Januar 2024 um 14:07", "Freitag, 14:07", "5.1., 14:07"],
    ),
    (
        "dt-date-and-time-fields-fr-FR",
        "[DT(\"fr-FR\", {year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit'}).format(D1), DT(\"fr-FR\", {weekday: 'long', hour: 'numeric', minute: 'numeric'}).format(D1), DT(\"fr-FR\", {month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric'}).format(D1)]",
        ["5 janvier 2024 à 14:07", "vendredi 14:07", "05/01 14:07"],
    ),
    (
        "dt-date-and-time-fields-es-ES",
        "[DT(\"es-ES\", {year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit'}).format(D1), DT(\"es-ES\", {weekday: 'long', hour: 'numeric', minute: 'numeric'}).format(D1), DT(\"es-ES\", {month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric'}).format(D1)]",
        ["5 de enero de 2024 a las 14:07", "viernes, 14:07", "5/1, 14:07"],
    ),
    (
        "dt-date-and-time-fields-ja-JP",
        "[DT(\"ja-JP\", {year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit'}).format(D1), DT(\"ja-JP\", {weekday: 'long', hour: 'numeric', minute: 'numeric'}).format(D1), DT(\"ja-JP\", {month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric'}).format(D1)]",
        ["2024年1月5日 14:07", "14:07 (金曜日)", "1/5 14:07"],
    ),
    (
        "dt-formatToParts-en-US",
        "DT(\"en-US\", {dateStyle: 'long', timeStyle: 'short'}).formatToParts(D1)",
        [
            {"type": "month", "value": "January"},
            {"type": "literal", "value": " "},
            {"type": "day", "value": "5"},
            {"type": "literal", "value": ", "},
            {"type": "year", "value": "2024"},
            {"type": "literal", "value": " at "},
            {"type": "hour", "value": "2"},
            {"type": "literal", "value": ":"},
            {"type": "minute", "value": "07"},
            {"type": "literal", "value": "\u202f"},
            {"type": "dayPeriod", "value": "PM"},
        ],
    ),
    (
        "dt-formatToParts-en-GB",
        "DT(\"en-GB\", {dateStyle: 'long', timeStyle: 'short'}).formatToParts(D1)",
        [
            {"type": "day", "value": "5"},
            {"type": "literal", "value": " "},
            {"type": "month", "value": "January"},
            {"type": "literal", "value": " "},
            {"type": "year", "value": "2024"},
            {"type": "literal", "value": " at "},
            {"type": "hour", "value": "14"},
            {"type": "literal", "value": ":"},
            {"type": "minute", "value": "07"},
        ],
    ),
    (
        "dt-formatToParts-de-DE",
        "DT(\"de-DE\", {dateStyle: 'long', timeStyle: 'short'}).formatToParts(D1)",
        [
            {"type": "day", "value": "5"},
            {"type": "literal", "value": ". "},
            {"type": "month", "value": "Januar"},
            {"type": "literal", "value": " "},
            {"type": "year", "value": "2024"},
            {"type": "literal", "value": " um "},
            {"type": "hour", "value": "14"},
            {"type": "literal", "value": ":"},
            {"type": "minute", "value": "07"},
        ],
    ),
    (
        "dt-formatToParts-fr-FR",
        "DT(\"fr-FR\", {dateStyle: 'long', timeStyle: 'short'}).formatToParts(D1)",
        [
            {"type": "day", "value": "5"},
            {"type": "literal", "value": " "},
            {"type": "month", "value": "janvier"},
            {"type": "literal", "value": " "},
            {"type": "year", "value": "2024"},
            {"type": "literal", "value": " à "},
            {"type": "hour", "value": "14"},
            {"type": "literal", "value": ":"},
            {"type": "minute", "value": "07"},
        ],
    ),
    (
        "dt-formatToParts-es-ES",
        "DT(\"es-ES\", {dateStyle: 'long', timeStyle: 'short'}).formatToParts(D1)",
        [
            {"type": "day", "value": "5"},
            {"type": "literal", "value": " de "},
            {"type": "month", "value": "enero"},
            {"type": "literal", "value": " de "},
            {"type": "year", "value": "2024"},
            {"type": "literal", "value": " a las "},
            {"type": "hour", "value": "14"},
            {"type": "literal", "value": ":"},
            {"type": "minute", "value": "07"},
        ],
    ),
    (
        "dt-formatToParts-ja-JP",
        "DT(\"ja-JP\", {dateStyle: 'long', timeStyle: 'short'}).formatToParts(D1)",
        [
            {"type": "year", "value": "2024"},
            {"type": "literal", "value": "年"},
            {"type": "month", "value": "1"},
            {"type": "literal", "value": "月"},
            {"type": "day", "value": "5"},
            {"type": "literal", "value": "日 "},
            {"type": "hour", "value": "14"},
            {"type": "literal", "value": ":"},
            {"type": "minute", "value": "07"},
        ],
    ),
    (
        "dt-resolvedOptions-en-US",
        "[DT(\"en-US\").resolvedOptions(), DT(\"en-US\", {month: 'short', day: '2-digit', hour: '2-digit', minute: 'numeric'}).resolvedOptions(), DT(\"en-US\", {dateStyle: 'medium', timeStyle: 'short'}).resolvedOptions()]",
        [
            {
                "locale": "en-US",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "year": "numeric",
                "month": "numeric",
                "day": "numeric",
            },
            {
                "locale": "en-US",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h12",
                "hour12": True,
                "month": "short",
                "day": "2-digit",
                "hour": "2-digit",
                "minute": "2-digit",
            },
            {
                "locale": "en-US",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h12",
                "hour12": True,
                "dateStyle": "medium",
                "timeStyle": "short",
            },
        ],
    ),
    (
        "dt-resolvedOptions-en-GB",
        "[DT(\"en-GB\").resolvedOptions(), DT(\"en-GB\", {month: 'short', day: '2-digit', hour: '2-digit', minute: 'numeric'}).resolvedOptions(), DT(\"en-GB\", {dateStyle: 'medium', timeStyle: 'short'}).resolvedOptions()]",
        [
            {
                "locale": "en-GB",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "year": "numeric",
                "month": "2-digit",
                "day": "2-digit",
            },
            {
                "locale": "en-GB",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h23",
                "hour12": False,
                "month": "short",
                "day": "2-digit",
                "hour": "2-digit",
                "minute": "2-digit",
            },
            {
                "locale": "en-GB",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h23",
                "hour12": False,
                "dateStyle": "medium",
                "timeStyle": "short",
            },
        ],
    ),
    (
        "dt-resolvedOptions-de-DE",
        "[DT(\"de-DE\").resolvedOptions(), DT(\"de-DE\", {month: 'short', day: '2-digit', hour: '2-digit', minute: 'numeric'}).resolvedOptions(), DT(\"de-DE\", {dateStyle: 'medium', timeStyle: 'short'}).resolvedOptions()]",
        [
            {
                "locale": "de-DE",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "year": "numeric",
                "month": "numeric",
                "day": "numeric",
            },
            {
                "locale": "de-DE",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h23",
                "hour12": False,
                "month": "short",
                "day": "2-digit",
                "hour": "2-digit",
                "minute": "2-digit",
            },
            {
                "locale": "de-DE",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h23",
                "hour12": False,
                "dateStyle": "medium",
                "timeStyle": "short",
            },
        ],
    ),
    (
        "dt-resolvedOptions-fr-FR",
        "[DT(\"fr-FR\").resolvedOptions(), DT(\"fr-FR\", {month: 'short', day: '2-digit', hour: '2-digit', minute: 'numeric'}).resolvedOptions(), DT(\"fr-FR\", {dateStyle: 'medium', timeStyle: 'short'}).resolvedOptions()]",
        [
            {
                "locale": "fr-FR",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "year": "numeric",
                "month": "2-digit",
                "day": "2-digit",
            },
            {
                "locale": "fr-FR",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h23",
                "hour12": False,
                "month": "short",
                "day": "2-digit",
                "hour": "2-digit",
                "minute": "2-digit",
            },
            {
                "locale": "fr-FR",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h23",
                "hour12": False,
                "dateStyle": "medium",
                "timeStyle": "short",
            },
        ],
    ),
    (
        "dt-resolvedOptions-es-ES",
        "[DT(\"es-ES\").resolvedOptions(), DT(\"es-ES\", {month: 'short', day: '2-digit', hour: '2-digit', minute: 'numeric'}).resolvedOptions(), DT(\"es-ES\", {dateStyle: 'medium', timeStyle: 'short'}).resolvedOptions()]",
        [
            {
                "locale": "es-ES",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "year": "numeric",
                "month": "numeric",
                "day": "numeric",
            },
            {
                "locale": "es-ES",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h23",
                "hour12": False,
                "month": "short",
                "day": "2-digit",
                "hour": "2-digit",
                "minute": "2-digit",
            },
            {
                "locale": "es-ES",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h23",
                "hour12": False,
                "dateStyle": "medium",
                "timeStyle": "short",
            },
        ],
    ),
    (
        "dt-resolvedOptions-ja-JP",
        "[DT(\"ja-JP\").resolvedOptions(), DT(\"ja-JP\", {month: 'short', day: '2-digit', hour: '2-digit', minute: 'numeric'}).resolvedOptions(), DT(\"ja-JP\", {dateStyle: 'medium', timeStyle: 'short'}).resolvedOptions()]",
        [
            {
                "locale": "ja-JP",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "year": "numeric",
                "month": "numeric",
                "day": "numeric",
            },
            {
                "locale": "ja-JP",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h23",
                "hour12": False,
                "month": "numeric",
                "day": "2-digit",
                "hour": "2-digit",
                "minute": "2-digit",
            },
            {
                "locale": "ja-JP",
                "calendar": "gregory",
                "numberingSystem": "latn",
                "timeZone": "UTC",
                "hourCycle": "h23",
                "hour12": False,
                "dateStyle": "medium",
                "timeStyle": "short",
            },
        ],
    ),
    (
        "pr-select-en-US",
        "['cardinal', 'ordinal'].map((type) => [0, 1, 2, 3, 4, 11, 21, 22, 23, 101, 1.5, 1000000].map((n) => new Intl.PluralRules(\"en-US\", {type}).select(n)).join(','))",
        [
            "other,one,other,other,other,other,other,other,other,other,other,other",
            "other,one,two,few,other,other,one,two,few,one,other,other",
        ],
    ),
    (
        "pr-select-en-GB",
        "['cardinal', 'ordinal'].map((type) => [0, 1, 2, 3, 4, 11, 21, 22, 23, 101, 1.5, 1000000].map((n) => new Intl.PluralRules(\"en-GB\", {type}).select(n)).join(','))",
        [
            "other,one,other,other,other,other,other,other,other,other,other,other",
            "other,one,two,few,other,other,one,two,few,one,other,other",
        ],
    ),
    (
        "pr-select-de-DE",
        "['cardinal', 'ordinal'].map((type) => [0, 1, 2, 3, 4, 11, 21, 22, 23, 101, 1.5, 1000000].map((n) => new Intl.PluralRules(\"de-DE\", {type}).select(n)).join(','))",
        [
            "other,one,other,other,other,other,other,other,other,other,other,other",
            "other,other,other,other,other,other,other,other,other,other,other,other",
        ],
    ),
    (
        "pr-select-fr-FR",
        "['cardinal', 'ordinal'].map((type) => [0, 1, 2, 3, 4, 11, 21, 22, 23, 101, 1.5, 1000000].map((n) => new Intl.PluralRules(\"fr-FR\", {type}).select(n)).join(','))",
        [
            "one,one,other,other,other,other,other,other,other,other,one,many",
            "other,one,other,other,other,other,other,other,other,other,other,other",
        ],
    ),
    (
        "pr-select-es-ES",
        "['cardinal', 'ordinal'].map((type) => [0, 1, 2, 3, 4, 11, 21, 22, 23, 101, 1.5, 1000000].map((n) => new Intl.PluralRules(\"es-ES\", {type}).select(n)).join(','))",
        [
            "other,one,other,other,other,other,other,other,other,other,other,many",
            "other,other,other,other,other,other,other,other,other,other,other,other",
        ],
    ),
    (
        "pr-select-ja-JP",
        "['cardinal', 'ordinal'].map((type) => [0, 1, 2, 3, 4, 11, 21, 22, 23, 101, 1.5, 1000000].map((n) => new Intl.PluralRules(\"ja-JP\", {type}).select(n)).join(','))",
        [
            "other,other,other,other,other,other,other,other,other,other,other,other",
            "other,other,other,other,other,other,other,other,other,other,other,other",
        ],
    ),
    (
        "pr-resolvedOptions-en-US",
        "new Intl.PluralRules(\"en-US\", {type: 'ordinal'}).resolvedOptions()",
        {
            "locale": "en",
            "type": "ordinal",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 3,
            "pluralCategories": ["few", "one", "two", "other"],
        },
    ),
    (
        "pr-resolvedOptions-en-GB",
        "new Intl.PluralRules(\"en-GB\", {type: 'ordinal'}).resolvedOptions()",
        {
            "locale": "en",
            "type": "ordinal",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 3,
            "pluralCategories": ["few", "one", "two", "other"],
        },
    ),
    (
        "pr-resolvedOptions-de-DE",
        "new Intl.PluralRules(\"de-DE\", {type: 'ordinal'}).resolvedOptions()",
        {
            "locale": "de",
            "type": "ordinal",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 3,
            "pluralCategories": ["other"],
        },
    ),
    (
        "pr-resolvedOptions-fr-FR",
        "new Intl.PluralRules(\"fr-FR\", {type: 'ordinal'}).resolvedOptions()",
        {
            "locale": "fr",
            "type": "ordinal",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 3,
            "pluralCategories": ["one", "other"],
        },
    ),
    (
        "pr-resolvedOptions-es-ES",
        "new Intl.PluralRules(\"es-ES\", {type: 'ordinal'}).resolvedOptions()",
        {
            "locale": "es",
            "type": "ordinal",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 3,
            "pluralCategories": ["other"],
        },
    ),
    (
        "pr-resolvedOptions-ja-JP",
        "new Intl.PluralRules(\"ja-JP\", {type: 'ordinal'}).resolvedOptions()",
        {
            "locale": "ja",
            "type": "ordinal",
            "minimumIntegerDigits": 1,
            "minimumFractionDigits": 0,
            "maximumFractionDigits": 3,
            "pluralCategories": ["other"],
        },
    ),
    (
        "array-toLocaleString-en-US",
        "[1234.5, D1, 'x', null, 7].toLocaleString(\"en-US\")",
        "1,234.5,1/5/2024, 2:07:09 PM,x,,7",
    ),
    (
        "array-toLocaleString-en-GB",
        "[1234.5, D1, 'x', null, 7].toLocaleString(\"en-GB\")",
        "1,234.5,05/01/2024, 14:07:09,x,,7",
    ),
    (
        "array-toLocaleString-de-DE",
        "[1234.5, D1, 'x', null, 7].toLocaleString(\"de-DE\")",
        "1.234,5,5.1.2024, 14:07:09,x,,7",
    ),
    (
        "array-toLocaleString-fr-FR",
        "[1234.5, D1, 'x', null, 7].toLocaleString(\"fr-FR\")",
        "1\u202f234,5,05/01/2024 14:07:09,x,,7",
    ),
    (
        "array-toLocaleString-es-ES",
        "[1234.5, D1, 'x', null, 7].toLocaleString(\"es-ES\")",
        "1234,5,5/1/2024, 14:07:09,x,,7",
    ),
    (
        "array-toLocaleString-ja-JP",
        "[1234.5, D1, 'x', null, 7].toLocaleString(\"ja-JP\")",
        "1,234.5,2024/1/5 14:07:09,x,,7",
    ),
    (
        "coll-default-en-US",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"en-US\", {}))",
        [
            "_x 10 9 a A á Á ä a b a-b ab ae æ Äpfel apple b B co-op coop e E é è ê item1 item10 item9 lodz Łódź n ñ nz o olberg Ølberg resume Resume résumé ss ß zebra Zebra",
            "-1,-1,-1,-1,1,1,-1,1,-1",
        ],
    ),
    (
        "coll-sensitivity-base-en-US",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"en-US\", {sensitivity: 'base'}))",
        [
            "_x 10 9 a A á Á ä a b a-b ab æ ae Äpfel apple b B co-op coop é e E è ê item1 item10 item9 Łódź lodz ñ n nz o Ølberg olberg résumé resume Resume ß ss Zebra zebra",
            "0,0,-1,0,0,1,-1,0,0",
        ],
    ),
    (
        "coll-sensitivity-accent-en-US",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"en-US\", {sensitivity: 'accent'}))",
        [
            "_x 10 9 a A á Á ä a b a-b ab ae æ Äpfel apple b B co-op coop e E é è ê item1 item10 item9 lodz Łódź n ñ nz o olberg Ølberg resume Resume résumé ss ß Zebra zebra",
            "0,-1,-1,-1,0,1,-1,1,-1",
        ],
    ),
    (
        "coll-sensitivity-case-en-US",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"en-US\", {sensitivity: 'case'}))",
        [
            "_x 10 9 a á ä A Á a b a-b ab æ ae Äpfel apple b B co-op coop é e è ê E item1 item10 item9 lodz Łódź ñ n nz o olberg Ølberg résumé resume Resume ß ss zebra Zebra",
            "-1,0,-1,0,1,1,-1,0,0",
        ],
    ),
    (
        "coll-numeric-true-en-US",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"en-US\", {numeric: true}))",
        [
            "_x 9 10 a A á Á ä a b a-b ab ae æ Äpfel apple b B co-op coop e E é è ê item1 item9 item10 lodz Łódź n ñ nz o olberg Ølberg resume Resume résumé ss ß zebra Zebra",
            "-1,-1,-1,-1,1,1,1,1,-1",
        ],
    ),
    (
        "coll-ignorePunctuation-true-en-US",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"en-US\", {ignorePunctuation: true}))",
        [
            "10 9 a A á Á ä ab a b a-b ae æ Äpfel apple b B coop co-op e E é è ê item1 item10 item9 lodz Łódź n ñ nz o olberg Ølberg resume Resume résumé ss ß _x zebra Zebra",
            "-1,-1,-1,-1,1,0,-1,1,-1",
        ],
    ),
    (
        "coll-caseFirst-upper-en-US",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"en-US\", {caseFirst: 'upper'}))",
        [
            "_x 10 9 A a Á á ä a b a-b ab ae æ Äpfel apple B b co-op coop E e é è ê item1 item10 item9 lodz Łódź n ñ nz o olberg Ølberg Resume resume résumé ss ß Zebra zebra",
            "1,-1,-1,-1,-1,1,-1,1,-1",
        ],
    ),
    (
        "coll-default-de-DE",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"de-DE\", {}))",
        [
            "_x 10 9 a A á Á ä a b a-b ab ae æ Äpfel apple b B co-op coop e E é è ê item1 item10 item9 lodz Łódź n ñ nz o olberg Ølberg resume Resume résumé ss ß zebra Zebra",
            "-1,-1,-1,-1,1,1,-1,1,-1",
        ],
    ),
    (
        "coll-sensitivity-base-de-DE",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"de-DE\", {sensitivity: 'base'}))",
        [
            "_x 10 9 a A á Á ä a b a-b ab æ ae Äpfel apple b B co-op coop é e E è ê item1 item10 item9 Łódź lodz ñ n nz o Ølberg olberg résumé resume Resume ß ss Zebra zebra",
            "0,0,-1,0,0,1,-1,0,0",
        ],
    ),
    (
        "coll-sensitivity-accent-de-DE",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"de-DE\", {sensitivity: 'accent'}))",
        [
            "_x 10 9 a A á Á ä a b a-b ab ae æ Äpfel apple b B co-op coop e E é è ê item1 item10 item9 lodz Łódź n ñ nz o olberg Ølberg resume Resume résumé ss ß Zebra zebra",
            "0,-1,-1,-1,0,1,-1,1,-1",
        ],
    ),
    (
        "coll-sensitivity-case-de-DE",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"de-DE\", {sensitivity: 'case'}))",
        [
            "_x 10 9 a á ä A Á a b a-b ab æ ae Äpfel apple b B co-op coop é e è ê E item1 item10 item9 lodz Łódź ñ n nz o olberg Ølberg résumé resume Resume ß ss zebra Zebra",
            "-1,0,-1,0,1,1,-1,0,0",
        ],
    ),
    (
        "coll-numeric-true-de-DE",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"de-DE\", {numeric: true}))",
        [
            "_x 9 10 a A á Á ä a b a-b ab ae æ Äpfel apple b B co-op coop e E é è ê item1 item9 item10 lodz Łódź n ñ nz o olberg Ølberg resume Resume résumé ss ß zebra Zebra",
            "-1,-1,-1,-1,1,1,1,1,-1",
        ],
    ),
    (
        "coll-ignorePunctuation-true-de-DE",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"de-DE\", {ignorePunctuation: true}))",
        [
            "10 9 a A á Á ä ab a b a-b ae æ Äpfel apple b B coop co-op e E é è ê item1 item10 item9 lodz Łódź n ñ nz o olberg Ølberg resume Resume résumé ss ß _x zebra Zebra",
            "-1,-1,-1,-1,1,0,-1,1,-1",
        ],
    ),
    (
        "coll-caseFirst-upper-de-DE",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"de-DE\", {caseFirst: 'upper'}))",
        [
            "_x 10 9 A a Á á ä a b a-b ab ae æ Äpfel apple B b co-op coop E e é è ê item1 item10 item9 lodz Łódź n ñ nz o olberg Ølberg Resume resume résumé ss ß Zebra zebra",
            "1,-1,-1,-1,-1,1,-1,1,-1",
        ],
    ),
    (
        "coll-default-es-ES",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"es-ES\", {}))",
        [
            "_x 10 9 a A á Á ä a b a-b ab ae æ Äpfel apple b B co-op coop e E é è ê item1 item10 item9 lodz Łódź n nz ñ o olberg Ølberg resume Resume résumé ss ß zebra Zebra",
            "-1,-1,-1,-1,1,1,-1,1,-1",
        ],
    ),
    (
        "coll-sensitivity-base-es-ES",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"es-ES\", {sensitivity: 'base'}))",
        [
            "_x 10 9 a A á Á ä a b a-b ab æ ae Äpfel apple b B co-op coop é e E è ê item1 item10 item9 Łódź lodz n nz ñ o Ølberg olberg résumé resume Resume ß ss Zebra zebra",
            "0,0,-1,0,0,1,-1,0,0",
        ],
    ),
    (
        "coll-sensitivity-accent-es-ES",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"es-ES\", {sensitivity: 'accent'}))",
        [
            "_x 10 9 a A á Á ä a b a-b ab ae æ Äpfel apple b B co-op coop e E é è ê item1 item10 item9 lodz Łódź n nz ñ o olberg Ølberg resume Resume résumé ss ß Zebra zebra",
            "0,-1,-1,-1,0,1,-1,1,-1",
        ],
    ),
    (
        "coll-sensitivity-case-es-ES",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"es-ES\", {sensitivity: 'case'}))",
        [
            "_x 10 9 a á ä A Á a b a-b ab æ ae Äpfel apple b B co-op coop é e è ê E item1 item10 item9 lodz Łódź n nz ñ o olberg Ølberg résumé resume Resume ß ss zebra Zebra",
            "-1,0,-1,0,1,1,-1,0,0",
        ],
    ),
    (
        "coll-numeric-true-es-ES",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"es-ES\", {numeric: true}))",
        [
            "_x 9 10 a A á Á ä a b a-b ab ae æ Äpfel apple b B co-op coop e E é è ê item1 item9 item10 lodz Łódź n nz ñ o olberg Ølberg resume Resume résumé ss ß zebra Zebra",
            "-1,-1,-1,-1,1,1,1,1,-1",
        ],
    ),
    (
        "coll-ignorePunctuation-true-es-ES",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"es-ES\", {ignorePunctuation: true}))",
        [
            "10 9 a A á Á ä ab a b a-b ae æ Äpfel apple b B coop co-op e E é è ê item1 item10 item9 lodz Łódź n nz ñ o olberg Ølberg resume Resume résumé ss ß _x zebra Zebra",
            "-1,-1,-1,-1,1,0,-1,1,-1",
        ],
    ),
    (
        "coll-caseFirst-upper-es-ES",
        "((c) => [['b', 'a', 'A', 'B', 'á', 'Á', 'ä', 'ab', 'a b', 'a-b', 'ñ', 'n', 'o', 'nz', 'item10', 'item9', 'item1', 'ß', 'ss', 'æ', 'ae', 'é', 'e', 'E', 'è', 'ê', 'Zebra', 'zebra', 'apple', 'Äpfel', '_x', '10', '9', 'résumé', 'resume', 'Resume', 'coop', 'co-op', 'Ølberg', 'olberg', 'Łódź', 'lodz'].sort(c.compare).join(' '), [['a', 'A'], ['a', 'á'], ['a', 'b'], ['resume', 'résumé'], ['Resume', 'resume'], ['coop', 'co-op'], ['item10', 'item9'], ['ß', 'ss'], ['ae', 'æ']].map(([a, b]) => c.compare(a, b)).join(',')])(new Intl.Collator(\"es-ES\", {caseFirst: 'upper'}))",
        [
            "_x 10 9 A a Á á ä a b a-b ab ae æ Äpfel apple B b co-op coop E e é è ê item1 item10 item9 lodz Łódź n nz ñ o olberg Ølberg Resume resume résumé ss ß Zebra zebra",
            "1,-1,-1,-1,-1,1,-1,1,-1",
        ],
    ),
    (
        "coll-resolvedOptions",
        "new Intl.Collator('de-DE', {numeric: true, sensitivity: 'base'}).resolvedOptions()",
        {
            "locale": "de",
            "usage": "sort",
            "sensitivity": "base",
            "ignorePunctuation": False,
            "collation": "default",
            "numeric": True,
            "caseFirst": "false",
        },
    ),
    (
        "localeCompare",
        "['a'.localeCompare('b'), 'b'.localeCompare('a'), 'a'.localeCompare('A'), 'a'.localeCompare('á', 'en', {sensitivity: 'base'}), '10'.localeCompare('9', undefined, {numeric: true}), ['Émile', 'eve', 'Zoe', 'adam'].sort((x, y) => x.localeCompare(y)).join(' ')]",
        [-1, 1, -1, 0, 1, "adam Émile eve Zoe"],
    ),
    (
        "default-locale",
        "[D1.toLocaleString(), D1.toLocaleDateString(), D1.toLocaleTimeString(), D2.toLocaleString(), (1234567.891).toLocaleString(), new Intl.NumberFormat().format(0.1 + 0.2), new Intl.DateTimeFormat().format(D1)]",
        [
            "1/5/2024, 2:07:09 PM",
            "1/5/2024",
            "2:07:09 PM",
            "12/31/1999, 12:05:00 AM",
            "1,234,567.891",
            "0.3",
            "1/5/2024",
        ],
    ),
    (
        "default-is-en-US-UTC",
        "[D1.toLocaleString('en-US', {timeZone: 'UTC'}), D1.toLocaleString('en-US', {timeZone: 'Etc/UTC', timeZoneName: 'short', hour: 'numeric'})]",
        ["1/5/2024, 2:07:09 PM", "2 PM UTC"],
    ),
    (
        "nf-rounding",
        "[[1.005, 2], [2.675, 2], [1.255, 2], [0.125, 2], [1e21, 0], [0.000123, 5], [99.995, 2]].map(([n, d]) => NF('en-US', {maximumFractionDigits: d}).format(n))",
        ["1.01", "2.68", "1.26", "0.13", "1,000,000,000,000,000,000,000", "0.00012", "100"],
    ),
    (
        "nf-roundingMode",
        "['ceil', 'floor', 'expand', 'trunc', 'halfCeil', 'halfFloor', 'halfExpand', 'halfTrunc', 'halfEven'].map((m) => [2.5, -2.5, 1.45].map((n) => NF('en-US', {maximumFractionDigits: n === 1.45 ? 1 : 0, roundingMode: m}).format(n)).join(' '))",
        [
            "3 -2 1.5",
            "2 -3 1.4",
            "3 -3 1.5",
            "2 -2 1.4",
            "3 -2 1.5",
            "2 -3 1.4",
            "3 -3 1.5",
            "2 -2 1.4",
            "2 -2 1.4",
        ],
    ),
    (
        "nf-strings-bigint",
        "[NF('en-US', {maximumFractionDigits: 20}).format('1234567.12345678901234567'), NF('de-DE').format(-98765432109876543210n), NF('en-US').format('-0'), NF('en-US').format('abc')]",
        ["1,234,567.12345678901234567", "-98.765.432.109.876.543.210", "-0", "NaN"],
    ),
    (
        "nf-trailingZeroDisplay",
        "[5, 5.5].map((n) => NF('en-US', {style: 'currency', currency: 'USD', trailingZeroDisplay: 'stripIfInteger'}).format(n))",
        ["$5", "$5.50"],
    ),
    (
        "nf-currency-code-any",
        "[NF('en-US', {style: 'currency', currency: 'CHF', currencyDisplay: 'code'}).format(1234.5), NF('de-DE', {style: 'currency', currency: 'KWD', currencyDisplay: 'code'}).format(1.5)]",
        ["CHF\xa01,234.50", "1,500\xa0KWD"],
    ),
    ("nf-without-new", "Intl.NumberFormat('en-US').format(1234.5)", "1,234.5"),
    (
        "getCanonicalLocales",
        "Intl.getCanonicalLocales(['EN-us', 'de', 'zh-hant-tw', 'en-US', 'sr-latn-rs'])",
        ["en-US", "de", "zh-Hant-TW", "sr-Latn-RS"],
    ),
    (
        "errors-as-node",
        "[() => NF('en', {notation: 'bogus'}), () => NF('en', {maximumFractionDigits: 101}), () => NF('en', {style: 'currency'}), () => NF('en', {style: 'currency', currency: 'US'}), () => Intl.getCanonicalLocales('en_US'), () => new Intl.DateTimeFormat('en', {dateStyle: 'short', month: 'long'}), () => new Date().toLocaleDateString('en', {timeStyle: 'short'}), () => new Intl.DateTimeFormat('en').format(NaN), () => new Intl.PluralRules('en', {type: 'bogus'})].map(error)",
        [
            "RangeError: Value bogus out of range for Intl.NumberFormat options property notation",
            "RangeError: maximumFractionDigits value is out of range.",
            "TypeError: Currency code is required with currency style.",
            "RangeError: Invalid currency code : US",
            "RangeError: Incorrect locale information provided",
            "TypeError: Can't set option month when dateStyle is used",
            "TypeError: Invalid option : timeStyle",
            "RangeError: Invalid time value",
            "RangeError: Value bogus out of range for Intl.PluralRules options property type",
        ],
    ),
    (
        "invalid-date",
        "[new Date(NaN).toLocaleString(), new Date(NaN).toLocaleDateString('de-DE')]",
        ["Invalid Date", "Invalid Date"],
    ),
    (
        "shape",
        "[typeof Intl, Object.prototype.toString.call(Intl), Intl.NumberFormat.length, Intl.DateTimeFormat.prototype[Symbol.toStringTag], new Intl.Collator() instanceof Intl.Collator, typeof new Intl.NumberFormat().format, (5).toLocaleString.length, 'a'.localeCompare.length]",
        ["object", "[object Intl]", 0, "Intl.DateTimeFormat", True, "function", 0, 1],
    ),
]

# (id, JavaScript expression, result): where the sandbox differs from Node on purpose
SANDBOX_CASES: list[tuple[str, str, Any]] = [
    (
        "supportedLocalesOf-tells-the-truth",
        "[Intl.NumberFormat.supportedLocalesOf(['de-AT', 'zh', 'en-GB', 'ja', 'xx', 'en-US-u-nu-latn']), Intl.DateTimeFormat.supportedLocalesOf('fr-CA'), Intl.Collator.supportedLocalesOf([]), Intl.PluralRules.supportedLocalesOf(['pt-BR', 'es-MX'])]",
        [["de-AT", "en-GB", "ja", "en-US-u-nu-latn"], ["fr-CA"], [], ["es-MX"]],
    ),
    (
        "fallback-lookup-then-en-US",
        "[['zh-CN', 'de-AT', 'fr-CA', 'en-AU', 'pt-BR', undefined, ['xx', 'de-DE'], 'ja-JP-u-nu-latn'].map((l) => new Intl.NumberFormat(l).resolvedOptions().locale), new Intl.NumberFormat('zh-CN').format(1234.5), D1.toLocaleString('pt-BR'), new Intl.NumberFormat('de-AT').format(1234.5)]",
        [
            ["en-US", "de", "fr", "en", "en-US", "en-US", "de-DE", "ja-JP"],
            "1,234.5",
            "1/5/2024, 2:07:09 PM",
            "1.234,5",
        ],
    ),
    (
        "unsupported-options-throw",
        "[() => NF('en', {notation: 'compact'}), () => NF('en', {style: 'unit', unit: 'meter'}), () => NF('en', {style: 'currency', currency: 'CHF'}), () => NF('en', {roundingPriority: 'morePrecision'}), () => NF('ar-EG-u-nu-arab'), () => new Intl.DateTimeFormat('en', {timeZone: 'America/New_York'}), () => D1.toLocaleString('en-US', {timeZone: 'Europe/Paris'}), () => new Intl.DateTimeFormat('en', {era: 'short'}), () => new Intl.DateTimeFormat('en', {hour: 'numeric', timeZoneName: 'shortOffset'}), () => new Intl.DateTimeFormat('en', {calendar: 'japanese'}), () => new Intl.Collator('en', {collation: 'phonebk'})].map(error)",
        [
            'RangeError: notation "compact" is not supported by this sandbox\'s Intl (supported: "standard")',
            'RangeError: style "unit" is not supported by this sandbox\'s Intl (supported: "decimal", "percent", "currency")',
            'RangeError: currencyDisplay "symbol" for CHF is not supported by this sandbox\'s Intl (supported: USD, EUR, GBP, JPY; currencyDisplay "code" for any currency)',
            'RangeError: roundingPriority "morePrecision" is not supported by this sandbox\'s Intl (supported: "auto")',
            'RangeError: the Unicode extension "-u-nu-arab" (in ar-EG-u-nu-arab) is not supported by this sandbox\'s Intl (supported: -u-nu-latn, -u-ca-gregory)',
            'RangeError: timeZone "America/New_York" is not supported by this sandbox\'s Intl (supported: "UTC" (the guest\'s own time zone))',
            'RangeError: timeZone "Europe/Paris" is not supported by this sandbox\'s Intl (supported: "UTC" (the guest\'s own time zone))',
            "RangeError: the era option is not supported by this sandbox's Intl (supported: weekday, year, month, day, hour, minute, second, timeZoneName)",
            'RangeError: timeZoneName "shortOffset" is not supported by this sandbox\'s Intl (supported: "short", "long")',
            'RangeError: calendar "japanese" is not supported by this sandbox\'s Intl (supported: "gregory")',
            'RangeError: collation "phonebk" is not supported by this sandbox\'s Intl (supported: "default")',
        ],
    ),
    (
        "user-code-cannot-break-it",
        "(() => { String.prototype.normalize = null; JSON.parse = null; Object.keys = null; Date.prototype.getUTCHours = null; return [(1234.5).toLocaleString('fr-FR'), D1.toLocaleString('es-ES'), 'é'.localeCompare('f')]; })()",
        ["1\u202f234,5", "5/1/2024, 14:07:09", -1],
    ),
]


def evaluate(sandbox: Sandbox, expression: str) -> Any:
    code = HELPERS + f"console.log(JSON.stringify({expression}));\n"
    result = sandbox.run_script(language="javascript", code=code)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("expression", "expected"), [c[1:] for c in NODE_CASES], ids=[c[0] for c in NODE_CASES]
)
def test_matches_node(sandbox: Sandbox, expression: str, expected: Any) -> None:
    assert evaluate(sandbox, expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"), [c[1:] for c in SANDBOX_CASES], ids=[c[0] for c in SANDBOX_CASES]
)
def test_sandbox_behaviour(sandbox: Sandbox, expression: str, expected: Any) -> None:
    assert evaluate(sandbox, expression) == expected


def test_intl_is_lazy_and_replaceable(sandbox: Sandbox) -> None:
    code = (
        "const d = Object.getOwnPropertyDescriptor(globalThis, 'Intl');"
        "console.log(typeof d.get, d.enumerable, typeof Intl);"
        "const after = Object.getOwnPropertyDescriptor(globalThis, 'Intl');"
        "console.log('value' in after, after.writable, after.enumerable);"
        "Intl = 1; console.log(Intl);"
    )
    result = sandbox.run_script(language="javascript", code=code)
    assert result.stdout == "function false object\ntrue true false\n1\n"
