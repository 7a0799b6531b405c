"""Find a theme and the themes it extends; a theme overrides only the files it has."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import BuildError

SHIPPED_THEMES = Path(__file__).resolve().parent.parent / "themes"


@dataclass(frozen=True)
class Theme:
    name: str
    folders: tuple[Path, ...]  # the theme first, then what it extends

    @property
    def template_dirs(self) -> list[str]:
        return [
            str(folder / "templates") for folder in self.folders if (folder / "templates").is_dir()
        ]

    @property
    def static_dirs(self) -> list[Path]:
        """Static folders, base theme first, so a child's files overwrite its parent's."""
        return [
            folder / "static" for folder in reversed(self.folders) if (folder / "static").is_dir()
        ]


def find_themes_dir(content_dir: Path, themes_dir: Path | None) -> Path:
    if themes_dir is not None:
        return themes_dir
    beside_content = Path(content_dir).resolve().parent / "themes"
    return beside_content if beside_content.is_dir() else SHIPPED_THEMES


def theme_names(themes_dir: Path) -> tuple[str, ...]:
    """The themes a site can name: the folders of themes_dir and the shipped themes."""
    folders = [folder for root in (themes_dir, SHIPPED_THEMES) if root.is_dir()
               for folder in root.iterdir()]
    return tuple(sorted({folder.name for folder in folders if (folder / "templates").is_dir()
                         or (folder / "theme.yaml").is_file()}))


def load_theme(name: str, themes_dir: Path) -> Theme:
    folders: list[Path] = []
    while name:
        folder = themes_dir / name
        if not folder.is_dir() and (SHIPPED_THEMES / name).is_dir():
            folder = SHIPPED_THEMES / name  # a user's theme may extend a shipped one
        if not folder.is_dir():
            raise BuildError(f"theme '{name}' not found (expected a folder {themes_dir / name})")
        if folder in folders:
            raise BuildError(f"theme '{name}' extends itself in a loop")
        folders.append(folder)
        settings_file = folder / "theme.yaml"
        settings: dict = {}
        if settings_file.is_file():
            try:
                settings = yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise BuildError(f"{settings_file}: invalid theme settings: {exc}") from None
        name = str(settings.get("extends") or "") if isinstance(settings, dict) else ""
    return Theme(folders[0].name, tuple(folders))
