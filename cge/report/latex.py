"""Comparison tables as LaTeX, through pandas' Styler, sized to fit the page.

Each paper table is a booktabs tabular from :meth:`pandas.io.formats.style.Styler.to_latex`
(numbers in siunitx ``S`` columns aligned on the decimal point, or plain right-aligned
columns with ``siunitx=False``), with the caption (what the table shows), and under it the
units and the note for a reader.  The layout is chosen from an estimate of the table's
width in the document's font: column headers (scenario titles) are wrapped over several
lines with makecell; a table still wider than the text width goes on a landscape page
(pdflscape); one with many rows becomes a longtable that breaks across pages and repeats
its header; a table wider than a landscape page is split into column blocks.

Packages: booktabs, longtable, pdflscape, makecell (and siunitx for ``S`` columns); see
:func:`latex_document`, which writes a document that compiles with pdflatex.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from cge.report.writers import display_frame

if TYPE_CHECKING:
    from cge.report.tables import Table

#: Text width and landscape line width of the standard article class at 10 pt (measured
#: with pdflatex: \textwidth = 345 pt, \textheight = 550 pt); a paper with wider margins
#: has more room, so tables that fit here fit there.
TEXT_WIDTH_PT = 345.0
LANDSCAPE_WIDTH_PT = 550.0
FONT_PT = 8.0              # \footnotesize in a 10 pt document
TABCOLSEP_PT = 4.0
#: Rows above which a table becomes a longtable (portrait, landscape).
MAX_FLOAT_ROWS = (40, 24)
#: Header wrap widths tried, in characters, widest first.
WRAP_WIDTHS = (24, 16, 12, 10, 8)
ROW_WRAP = 14              # scenario titles as row labels wrap at no fewer characters
PACKAGES = ("booktabs", "longtable", "pdflscape", "makecell")

_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
            "->": r"$\rightarrow$", "+/-": r"$\pm$"}
_SPECIAL = re.compile("|".join(re.escape(k) for k in sorted(_ESCAPES, key=len, reverse=True)))


def tex_escape(text: object) -> str:
    """LaTeX-escape text (one pass, so escapes are not escaped again); straight double quotes
    become opening and closing quotes."""
    escaped = _SPECIAL.sub(lambda m: _ESCAPES[m.group(0)], str(text))
    return re.sub(r'"([^"]*)"', r"``\1''", escaped)


def text_width_pt(text: str, size: float = FONT_PT) -> float:
    """Estimated width of text in Computer Modern at ``size`` pt, from per-character widths
    measured with pdflatex at 8 pt (digits 0.53 em, lower case 0.48 in words, upper case 0.76 on
    average, space 0.35, punctuation 0.33, a leading minus sign 0.83)."""
    width = 0.83 if re.match(r"-\d", text) else 0.0
    for c in text[1:] if width else text:
        if c.isdigit():
            width += 0.53
        elif c.isupper():
            width += 0.76
        elif c.islower():
            width += 0.48
        elif c == " ":
            width += 0.35
        else:
            width += 0.33
    return width * size


def _header(label: str, wrap: int) -> tuple[str, float]:
    """A column header wrapped to ``wrap`` characters per line (makecell), and its width."""
    lines = textwrap.wrap(label, wrap, break_on_hyphens=True, break_long_words=False) or [""]
    width = max(text_width_pt(line) for line in lines)
    if len(lines) == 1:
        return tex_escape(lines[0]), width
    return r"\makecell[b]{" + r" \\ ".join(tex_escape(x) for x in lines) + "}", width


def _row_label(label: str, wrap: int) -> tuple[str, float]:
    """A row label (e.g. a scenario title) wrapped left-aligned like a header."""
    lines = textwrap.wrap(label, max(wrap, ROW_WRAP), break_on_hyphens=True, break_long_words=False) or [""]
    width = max(text_width_pt(line) for line in lines)
    if len(lines) == 1:
        return tex_escape(lines[0]), width
    return r"\makecell[tl]{" + r" \\ ".join(tex_escape(x) for x in lines) + "}", width


def _number_format(cells: Sequence[str]) -> str:
    """siunitx table-format of a column of formatted numbers (e.g. ``-5.2``)."""
    nums = [c for c in cells if re.fullmatch(r"-?\d+(\.\d+)?", c)]
    if not nums:
        return "1.0"
    ints = max(len(c.lstrip("-").split(".")[0]) for c in nums)
    decs = max((len(c.split(".")[1]) if "." in c else 0) for c in nums)
    sign = "-" if any(c.startswith("-") for c in nums) else ""
    return f"{sign}{ints}.{decs}"


def _layout(table: "Table", siunitx: bool) -> list[dict]:
    """Candidate renderings of the table (wrap width, cells, column widths), narrowest last."""
    text = display_frame(table, grouping=not siunitx)
    n_index = table.frame.index.nlevels
    out = []
    for wrap in WRAP_WIDTHS:
        heads, widths, body = [], [], {}
        for k, col in enumerate(text.columns):
            head, head_w = _header(str(col), wrap)
            cells = list(text[col])
            if k < n_index:
                shown = _sparse(cells) if k == 0 and n_index > 1 else cells
                rendered = [_row_label(c, wrap) for c in shown]
                body[col] = [r if r.startswith("\\makecell") else c for c, (r, _) in zip(shown, rendered)]
                cell_w = max((w for _, w in rendered), default=0.0)
            else:
                body[col] = cells
                cell_w = max((1.05 * text_width_pt(c) + 1.0 for c in cells), default=0.0)
            heads.append(head)
            widths.append(max(head_w, cell_w) + 2 * TABCOLSEP_PT)
        out.append({"wrap": wrap, "heads": heads, "widths": widths, "body": body, "columns": list(text.columns)})
    return out


def _sparse(cells: list[str]) -> list[str]:
    """Repeated labels of the first index level shown once per block."""
    return [c if k == 0 or c != cells[k - 1] else "" for k, c in enumerate(cells)]


def _tabular(table: "Table", lay: dict, columns: list[int], siunitx: bool, environment: str | None,
             caption: str, label: str) -> str:
    """The Styler rendering of the chosen columns (``environment``: longtable, else a tabular)."""
    n_index = table.frame.index.nlevels
    data, spec = {}, []
    for k in columns:
        cells = lay["body"][lay["columns"][k]]
        if k < n_index:
            spec.append("l")
            cells = [c if c.startswith("\\makecell") else tex_escape(c) for c in cells]
            if k == 0 and n_index > 1:   # a little space before each block of the first level
                cells = [(r"\addlinespace " + c) if r > 0 and c else c for r, c in enumerate(cells)]
        else:
            spec.append(f"S[table-format={_number_format(cells)},group-minimum-digits=4]" if siunitx else "r")
            cells = [_cell(c, siunitx) for c in cells]
        data[lay["heads"][k]] = cells
    styler = pd.DataFrame(data).style.hide(axis="index")
    kwargs = {"environment": environment, "caption": caption, "label": label} if environment else {}
    return styler.to_latex(column_format="".join(spec), hrules=True, siunitx=siunitx, **kwargs)


def _cell(text: str, siunitx: bool) -> str:
    """A number cell: as it is for siunitx (which parses it), else with a proper minus sign;
    text (``n/a``) braced for siunitx."""
    if re.fullmatch(r"-?[\d,]+(\.\d+)?", text):
        return text if siunitx else (("$-$" + text[1:]) if text.startswith("-") else text)
    return "{" + tex_escape(text) + "}" if siunitx else tex_escape(text)


def latex_table(table: "Table", siunitx: bool = True) -> str:
    """One table as LaTeX: the narrowest layout that fits portrait, else landscape, else
    split into column blocks; a longtable when it has many rows."""
    n_index = table.frame.index.nlevels
    layouts = _layout(table, siunitx)
    chosen, landscape = None, False
    for width_limit, is_landscape in ((TEXT_WIDTH_PT, False), (LANDSCAPE_WIDTH_PT, True)):
        chosen = next((lay for lay in layouts if sum(lay["widths"]) <= width_limit), None)
        if chosen is not None:
            landscape = is_landscape
            break
    if chosen is None:
        chosen, landscape = layouts[-1], True
    blocks = _column_blocks(chosen["widths"], n_index, LANDSCAPE_WIDTH_PT if landscape else TEXT_WIDTH_PT)
    long = len(table.frame) > MAX_FLOAT_ROWS[1 if landscape else 0]
    parts = []
    for b, columns in enumerate(blocks):
        caption = tex_escape(table.title) + (f" (continued, {b + 1} of {len(blocks)})" if b else "")
        label = f"tab:{table.name}" + (f"-{b + 1}" if b else "")
        if long:
            body = _tabular(table, chosen, columns, siunitx, "longtable", caption, label)
            parts.append(r"{\footnotesize\setlength{\tabcolsep}{%gpt}" % TABCOLSEP_PT + "\n" + body
                         + "\n" + _note(table) + "}\n")
        else:
            body = _tabular(table, chosen, columns, siunitx, None, "", "")
            parts.append("\n".join([r"\begin{table}[htbp]", r"\centering", r"\footnotesize",
                                    r"\setlength{\tabcolsep}{%gpt}" % TABCOLSEP_PT,
                                    rf"\caption{{{caption}}}", rf"\label{{{label}}}", body.strip(),
                                    _note(table), r"\end{table}", ""]))
    text = "\n".join(parts)
    return "\\begin{landscape}\n" + text + "\\end{landscape}\n" if landscape else text


def _column_blocks(widths: list[float], n_index: int, limit: float) -> list[list[int]]:
    """Column positions per block: the index columns in every block, data columns added
    while the block fits ``limit``."""
    index_w = sum(widths[:n_index])
    blocks, current, used = [], [], index_w
    for k in range(n_index, len(widths)):
        if current and used + widths[k] > limit:
            blocks.append(list(range(n_index)) + current)
            current, used = [], index_w
        current.append(k)
        used += widths[k]
    blocks.append(list(range(n_index)) + current)
    return blocks


def _note(table: "Table") -> str:
    """Units and note under the table, wrapped to the table's line width."""
    return (r"\par\smallskip\noindent\begin{minipage}{\linewidth}\raggedright\scriptsize "
            + tex_escape(f"Units: {table.units}. {table.note}") + r"\end{minipage}")


def latex_tables(tables: Sequence["Table"], siunitx: bool = True) -> str:
    """Every paper table as LaTeX, for ``\\input`` in a document with the packages listed."""
    needed = PACKAGES + (("siunitx",) if siunitx else ())
    head = (f"% Scenario comparison tables (cge compare). Needs \\usepackage{{{','.join(needed)}}}.\n"
            "% Wide tables are set on landscape pages, long ones as longtables.\n")
    return head + "\n".join(latex_table(t, siunitx) for t in tables if t.paper)


def latex_document(tables_file: str, siunitx: bool = True) -> str:
    """A minimal article that inputs the tables (compile with pdflatex)."""
    needed = PACKAGES + (("siunitx",) if siunitx else ())
    return "\n".join([r"\documentclass{article}", rf"\usepackage{{{','.join(needed)}}}",
                      r"\begin{document}", rf"\input{{{tables_file}}}", r"\end{document}", ""])

