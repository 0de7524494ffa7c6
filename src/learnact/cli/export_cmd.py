"""`learnact library export LIB --format skill|openai-tools|anthropic-tools` (docs/export.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from learnact.cli.console import info, out, print_json
from learnact.cli.options import DataDir
from learnact.errors import BadInput, LearnactError

FORMATS = ("skill", "openai-tools", "anthropic-tools")


def register(library_app: typer.Typer) -> None:
    @library_app.command("export")
    def export(
        directory: Path = typer.Argument(..., metavar="LIB"),
        format_: str = typer.Option(..., "--format", help=f"One of: {', '.join(FORMATS)}."),
        out_dir: Path = typer.Option(
            None, "--out", help="skill: the skill folder to write (its name is the skill's name)."
        ),
        family_name: str = typer.Option(
            None, "--family", help="The family whose basic actions to add (default: the library's)."
        ),
        data_dir: str = DataDir,
        learned_only: bool = typer.Option(
            False, "--learned-only", help="Only the learned actions (no family is built)."
        ),
    ) -> None:
        """Write a library as an Agent Skill folder, or print its actions as tool definitions."""
        from learnact.envs import registry
        from learnact.library import ActionLibrary, skill, tools

        if format_ not in FORMATS:
            raise BadInput(f"unknown --format {format_!r}; one of: {', '.join(FORMATS)}")
        if (format_ == "skill") != (out_dir is not None):
            raise BadInput("--out DIR goes with --format skill (and only with it)")
        lib = ActionLibrary.load(directory)
        name = family_name or lib.family
        family = None
        if name and not learned_only:
            try:
                family = registry.make_family(name, data_dir=data_dir)
            except LearnactError as e:
                raise BadInput(
                    f"{e} (the basic actions come from the family: pass --data-dir, "
                    "or --learned-only to leave them out)"
                ) from e
        if format_ == "skill":
            path = skill.export_skill(lib, out_dir, family)
            info(
                f"wrote the skill {skill.skill_name_for(out_dir)} ({len(lib.actions)} learned actions)"
            )
            out.print(str(path), markup=False, soft_wrap=True)
            return
        found = tools.action_tools(lib, family)
        shape = tools.openai_tools if format_ == "openai-tools" else tools.anthropic_tools
        print_json(shape(found))
