"""`make test` installs Debian's chromium when it may, and says what to run when it may not."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "ensure-chromium.sh"


def fake_bin(tmp_path, *, uid: str, sudo_ok: bool) -> Path:
    """A PATH of stand-ins: `id`, `sudo` and an `apt-get` that logs its calls and "installs"."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    chromium = tmp_path / "chromium"
    scripts = {
        "id": f"#!/bin/sh\necho {uid}\n",
        "true": "#!/bin/sh\nexit 0\n",
        "sudo": (
            '#!/bin/sh\n[ "$1" = -n ] && shift\n'
            + ('exec "$@"\n' if sudo_ok else "echo 'a password is required' >&2; exit 1\n")
        ),
        "apt-get": (
            f'#!/bin/sh\necho "apt-get $*" >> {log}\n'
            f'case "$*" in *install*) printf "#!/bin/sh\\n" > {chromium}; '
            f"/bin/chmod +x {chromium};; esac\n"
        ),
    }
    for name, text in scripts.items():
        path = bin_dir / name
        path.write_text(text)
        path.chmod(0o755)
    return bin_dir


def run(tmp_path, bin_dir):
    return subprocess.run(
        ["/bin/bash", str(SCRIPT)],
        env={"PATH": str(bin_dir), "CHROMIUM": str(tmp_path / "chromium")},
        capture_output=True,
        text=True,
        timeout=30,
    )


def apt_calls(tmp_path) -> list[str]:
    log = tmp_path / "apt.log"
    return log.read_text().splitlines() if log.exists() else []


def test_root_installs_debian_chromium(tmp_path):
    result = run(tmp_path, fake_bin(tmp_path, uid="0", sudo_ok=False))
    assert result.returncode == 0, result.stderr
    assert apt_calls(tmp_path) == ["apt-get update -qq", "apt-get install -y -qq chromium"]
    assert (tmp_path / "chromium").exists()


def test_sudo_without_a_password_installs_it(tmp_path):
    result = run(tmp_path, fake_bin(tmp_path, uid="1000", sudo_ok=True))
    assert result.returncode == 0, result.stderr
    assert apt_calls(tmp_path)[-1] == "apt-get install -y -qq chromium"


def test_a_user_who_cannot_install_is_told_exactly_what_to_run(tmp_path):
    result = run(tmp_path, fake_bin(tmp_path, uid="1000", sudo_ok=False))
    assert result.returncode == 1
    assert apt_calls(tmp_path) == []
    assert "Run: sudo apt-get update && sudo apt-get install -y chromium" in result.stderr


def test_nothing_is_installed_when_chromium_is_there(tmp_path):
    bin_dir = fake_bin(tmp_path, uid="0", sudo_ok=True)
    (tmp_path / "chromium").write_text("#!/bin/sh\n")
    (tmp_path / "chromium").chmod(0o755)
    result = run(tmp_path, bin_dir)
    assert result.returncode == 0
    assert apt_calls(tmp_path) == []
