"""Edits of JSON text that quick fixes share: removing a member, adding one to an object."""

from __future__ import annotations

from iml_ls.analysis import Analysis
from iml_ls.checks.diagnostic import TextEdit
from iml_ls.syntax.json_tree import JsonMember, JsonObject


def remove_member(analysis: Analysis, node: JsonObject, member: JsonMember) -> TextEdit:
    """Delete ``member`` and the comma that separated it from its neighbour, keeping every comment
    around it (a comment between two members may well be about the next one)."""
    text = analysis.text
    members = list(node.members)
    position = members.index(member)
    if position + 1 < len(members):
        comma = _comma(text, member.end, members[position + 1].start)
        if comma is None:
            return TextEdit(analysis.path, member.start, members[position + 1].start, "")
        kept = text[comma + 1 : members[position + 1].start]
        line_start = analysis.index.line_start(analysis.index.line_of(member.start))
        rest_of_line = kept.lstrip(" \t")
        if not text[line_start : member.start].strip() and rest_of_line.startswith(("\n", "\r")):
            # the member had its own line: remove the line, keep what follows (comments) as it was
            newline = 2 if rest_of_line.startswith("\r\n") else 1
            return TextEdit(analysis.path, line_start, members[position + 1].start, rest_of_line[newline:])
        return TextEdit(analysis.path, member.start, members[position + 1].start, kept.lstrip(" \t"))
    if position > 0:
        comma = _comma(text, members[position - 1].end, member.start)
        if comma is None:
            return TextEdit(analysis.path, members[position - 1].end, member.end, "")
        return TextEdit(analysis.path, comma, member.end, text[comma + 1 : member.start].rstrip())
    return TextEdit(analysis.path, member.start, member.end, "")


def _comma(text: str, start: int, end: int) -> int | None:
    """The offset of the comma between ``start`` and ``end``, past white space and comments."""
    position = start
    while position < end:
        if text.startswith("//", position):
            newline = text.find("\n", position, end)
            position = end if newline == -1 else newline + 1
        elif text.startswith("/*", position):
            close = text.find("*/", position + 2, end)
            position = end if close == -1 else close + 2
        elif text[position] == ",":
            return position
        else:
            position += 1
    return None


def add_member(analysis: Analysis, node: JsonObject, key: str, value_json: str) -> TextEdit:
    """Append ``"key": value`` to an object, indented like its last member."""
    if not node.members:
        return TextEdit(analysis.path, node.start + 1, node.start + 1, f'"{key}": {value_json}')
    last = node.members[-1]
    line_start = analysis.index.line_start(analysis.index.line_of(last.start))
    indent = analysis.text[line_start : last.start]
    separator = f",\n{indent}" if not indent.strip() else ", "
    return TextEdit(analysis.path, last.end, last.end, f'{separator}"{key}": {value_json}')
