#!/usr/bin/env bash
# Installs (or upgrades) Pulse on a Debian server from this source tree:
#   PREFIX/releases/<version>-<time>/   the code, its node_modules and dist/ (built here)
#   PREFIX/current -> releases/…         switched atomically once the release is built
#   PREFIX/etc/pulse.env                 settings (written once from deploy/pulse.env, never overwritten)
#   PREFIX/data/                         PGlite's directory and backups (kept across upgrades)
#   SYSTEMD_DIR/pulse.service            the unit, rendered for PREFIX (skipped with --no-systemd)
# Options: --prefix DIR (/opt/pulse), --user NAME (pulse; created when missing and run as root),
#          --systemd-dir DIR (/etc/systemd/system), --no-systemd, --keep N (releases kept, 3).
# PULSE_NPM=skip links node_modules from the source tree instead of `npm ci` (offline tests).
set -euo pipefail
SOURCE="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX=/opt/pulse
SERVICE_USER=pulse
SYSTEMD_DIR=/etc/systemd/system
SYSTEMD=yes
KEEP=3
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --user) SERVICE_USER="$2"; shift 2 ;;
    --systemd-dir) SYSTEMD_DIR="$2"; shift 2 ;;
    --no-systemd) SYSTEMD=no; shift ;;
    --keep) KEEP="$2"; shift 2 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
NODE="$(command -v node || true)"
if [ -z "$NODE" ]; then echo "install.sh: node not found (install Node.js 20)" >&2; exit 1; fi
major="$("$NODE" -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ] || [ "$major" -gt 22 ]; then
  echo "install.sh: Node $("$NODE" --version) found; Pulse needs Node 20 to 22" >&2; exit 1
fi
if [ "$(id -u)" = 0 ] && ! id "$SERVICE_USER" >/dev/null 2>&1; then
  useradd --system --home-dir "$PREFIX" --shell /usr/sbin/nologin "$SERVICE_USER"
fi

version="$("$NODE" -p "require('$SOURCE/package.json').version")"
release="$PREFIX/releases/$version-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$PREFIX/releases" "$PREFIX/etc" "$PREFIX/data"
echo "Installing Pulse $version into $release"
mkdir "$release"
# The tracked files when this is a git checkout, else everything but local state.
if git -C "$SOURCE" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$SOURCE" && git ls-files -z --cached --others --exclude-standard) | (cd "$SOURCE" && xargs -0 cp --parents -t "$release" 2>/dev/null || true)
else
  tar -C "$SOURCE" --exclude=./node_modules --exclude=./data --exclude=./dist --exclude=./.git -cf - . | tar -C "$release" -xf -
fi
rm -rf "$release/tests" "$release/data"
if [ "${PULSE_NPM:-ci}" = skip ]; then
  ln -s "$(readlink -f "$SOURCE/node_modules")" "$release/node_modules"
else
  (cd "$release" && npm ci --no-audit --no-fund)
fi
(cd "$release" && "$NODE" scripts/build.mjs)
if [ "${PULSE_NPM:-ci}" != skip ]; then
  # esbuild stays (tsx, a dependency, needs it): `npm start` can rebuild after a hotfix.
  (cd "$release" && npm prune --omit=dev --no-audit --no-fund >/dev/null)
fi

if [ ! -e "$PREFIX/etc/pulse.env" ]; then
  sed "s#/opt/pulse#$PREFIX#g" "$SOURCE/deploy/pulse.env" > "$PREFIX/etc/pulse.env"
  chmod 0640 "$PREFIX/etc/pulse.env"
fi
if [ "$(id -u)" = 0 ]; then chown -R "$SERVICE_USER" "$PREFIX/data"; chgrp "$SERVICE_USER" "$PREFIX/etc/pulse.env"; fi

# Switch: a new symlink renamed over the old one (atomic), then the old releases beyond KEEP go.
ln -sfn "$release" "$PREFIX/current.new"
mv -T "$PREFIX/current.new" "$PREFIX/current"
ls -1dt "$PREFIX"/releases/*/ | tail -n +"$((KEEP + 1))" | xargs -r rm -rf

if [ "$SYSTEMD" = yes ]; then
  mkdir -p "$SYSTEMD_DIR"
  sed -e "s#@PREFIX@#$PREFIX#g" -e "s#@USER@#$SERVICE_USER#g" -e "s#@NODE@#$NODE#g" \
    "$SOURCE/deploy/pulse.service" > "$SYSTEMD_DIR/pulse.service"
  if [ "$SYSTEMD_DIR" = /etc/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload
    echo "Installed. Edit $PREFIX/etc/pulse.env, then: systemctl enable --now pulse (or: systemctl restart pulse)"
  else
    echo "Unit written to $SYSTEMD_DIR/pulse.service"
  fi
fi
echo "Pulse $version is $PREFIX/current"
