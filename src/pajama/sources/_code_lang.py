"""What a path in a repository is: its language (from extension or name) and path-level skip reasons."""

from __future__ import annotations

import posixpath

LANGUAGES_BY_EXT: dict[str, str] = {
    **dict.fromkeys(["py", "pyi", "pyx", "pxd"], "Python"),
    **dict.fromkeys(["js", "mjs", "cjs", "jsx"], "JavaScript"),
    **dict.fromkeys(["ts", "mts", "cts", "tsx"], "TypeScript"),
    **dict.fromkeys(["c", "h"], "C"),
    **dict.fromkeys(["cc", "cpp", "cxx", "c++", "hh", "hpp", "hxx", "h++", "ipp", "inl"], "C++"),
    "cs": "C#",
    "java": "Java",
    **dict.fromkeys(["kt", "kts"], "Kotlin"),
    "scala": "Scala",
    "go": "Go",
    "rs": "Rust",
    **dict.fromkeys(["rb", "rake", "gemspec"], "Ruby"),
    **dict.fromkeys(["php", "phtml"], "PHP"),
    "swift": "Swift",
    **dict.fromkeys(["m", "mm"], "Objective-C"),
    **dict.fromkeys(["sh", "bash", "zsh", "ksh", "fish"], "Shell"),
    **dict.fromkeys(["ps1", "psm1", "psd1"], "PowerShell"),
    **dict.fromkeys(["bat", "cmd"], "Batchfile"),
    **dict.fromkeys(["pl", "pm", "t"], "Perl"),
    "lua": "Lua",
    "r": "R",
    "jl": "Julia",
    **dict.fromkeys(["hs", "lhs"], "Haskell"),
    **dict.fromkeys(["ml", "mli"], "OCaml"),
    **dict.fromkeys(["fs", "fsi", "fsx"], "F#"),
    **dict.fromkeys(["ex", "exs"], "Elixir"),
    **dict.fromkeys(["erl", "hrl"], "Erlang"),
    **dict.fromkeys(["clj", "cljs", "cljc", "edn"], "Clojure"),
    **dict.fromkeys(["lisp", "lsp", "cl", "el"], "Lisp"),
    **dict.fromkeys(["scm", "ss", "rkt"], "Scheme"),
    "dart": "Dart",
    "groovy": "Groovy",
    **dict.fromkeys(["f", "f90", "f95", "f03", "for"], "Fortran"),
    **dict.fromkeys(["vb", "bas"], "Visual Basic"),
    **dict.fromkeys(["asm", "s"], "Assembly"),
    "sql": "SQL",
    **dict.fromkeys(["html", "htm", "xhtml"], "HTML"),
    **dict.fromkeys(["css", "scss", "sass", "less"], "CSS"),
    "vue": "Vue",
    "svelte": "Svelte",
    **dict.fromkeys(["xml", "xsd", "xsl", "xslt", "svg", "plist"], "XML"),
    "json": "JSON",
    **dict.fromkeys(["yml", "yaml"], "YAML"),
    "toml": "TOML",
    **dict.fromkeys(["ini", "cfg", "conf"], "INI"),
    **dict.fromkeys(["md", "markdown"], "Markdown"),
    "rst": "reStructuredText",
    **dict.fromkeys(["tex", "sty", "cls", "bib"], "TeX"),
    "txt": "Text",
    "ipynb": "Jupyter Notebook",
    **dict.fromkeys(["proto"], "Protocol Buffer"),
    **dict.fromkeys(["cmake"], "CMake"),
    **dict.fromkeys(["mk", "mak"], "Makefile"),
    "dockerfile": "Dockerfile",
    **dict.fromkeys(["vim"], "Vim Script"),
    "zig": "Zig",
    "nim": "Nim",
    **dict.fromkeys(["v", "sv", "svh", "vhd", "vhdl"], "Verilog/VHDL"),
    "sol": "Solidity",
    "tf": "HCL",
    "graphql": "GraphQL",
    "cu": "CUDA",
    **dict.fromkeys(["glsl", "hlsl", "frag", "vert"], "GLSL"),
}
LANGUAGES_BY_NAME: dict[str, str] = {
    "Makefile": "Makefile",
    "makefile": "Makefile",
    "GNUmakefile": "Makefile",
    "Dockerfile": "Dockerfile",
    "CMakeLists.txt": "CMake",
    "Rakefile": "Ruby",
    "Gemfile": "Ruby",
    "Vagrantfile": "Ruby",
    "BUILD": "Starlark",
    "WORKSPACE": "Starlark",
    "Jenkinsfile": "Groovy",
    ".bashrc": "Shell",
    ".zshrc": "Shell",
    ".profile": "Shell",
}

#: folders whose contents are third-party code copied in (the paths of a repository, not of this machine)
VENDORED_DIRS = frozenset(
    {"node_modules", "bower_components", "jspm_packages", "vendor", "vendors", "third_party", "third-party"}
    | {"thirdparty", "3rdparty", "external_libs", "Pods", "Carthage", ".yarn", ".venv", "venv", "site-packages"}
    | {"dist-packages", "__pycache__", ".tox", ".eggs"}
)
#: metadata folders of version control systems: not files of the repository at all (never counted)
VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr"})
LOCK_FILES = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "poetry.lock"}
    | {"Pipfile.lock", "composer.lock", "Gemfile.lock", "go.sum", "uv.lock", "pdm.lock", "bun.lockb"}
    | {"flake.lock", "mix.lock", "pubspec.lock", "Podfile.lock", "packages.lock.json", "gradle.lockfile"}
)
#: binary, media, archive and data formats: not source code, whatever their bytes look like
EXCLUDED_EXTENSIONS: tuple[str, ...] = tuple(
    sorted(
        {"png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "tif", "tiff", "psd", "pdf", "eps"}
        | {"mp3", "mp4", "wav", "ogg", "flac", "avi", "mov", "mkv", "webm", "woff", "woff2", "ttf", "otf", "eot"}
        | {"zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "tar", "jar", "war", "whl", "egg", "deb", "rpm"}
        | {"exe", "dll", "so", "dylib", "a", "o", "obj", "lib", "class", "pyc", "pyo", "pyd", "wasm", "bin"}
        | {"dat", "db", "sqlite", "sqlite3", "pkl", "pickle", "npy", "npz", "h5", "hdf5", "pt", "pth", "onnx"}
        | {"parquet", "arrow", "feather", "avro", "orc", "tfrecord", "safetensors", "ckpt", "model", "map"}
    )
)
MINIFIED_SUFFIXES = (".min.js", ".min.css", "-min.js", ".min.mjs", ".bundle.js")


def extension(name: str) -> str:
    """Lower-case extension without the dot ('' when none; dotfiles like `.bashrc` have none)."""
    base = name.rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    return ext.lower() if dot and stem else ""


def language(path: str) -> str | None:
    name = posixpath.basename(path)
    if name in LANGUAGES_BY_NAME:
        return LANGUAGES_BY_NAME[name]
    if name.lower().startswith("dockerfile"):
        return "Dockerfile"
    return LANGUAGES_BY_EXT.get(extension(name))


def is_vcs_path(path: str) -> bool:
    return any(part in VCS_DIRS for part in path.split("/")[:-1]) or path in VCS_DIRS
