# Sourced by the e2e scripts that need a small filesystem: `scratch_on_tmpfs NAME SIZE` makes
# $scratch with a tmpfs of SIZE mounted at $scratch/data, and unmounts and removes it on exit
# (after stopping the server whose pid is in $scratch/pid). Mounting needs root, as `.ci/run`
# has; without it the calling script says so and stops (exit 0).
scratch_on_tmpfs() {
    if [ "$(id -u)" != "0" ]; then echo "$1: skipped (mounting a tmpfs needs root)"; exit 0; fi
    scratch="$(mktemp -d)"
    mkdir "$scratch/data"
    mount -t tmpfs -o "size=$2" tmpfs "$scratch/data"
    trap 'kill "$(cat "$scratch/pid" 2> /dev/null)" 2> /dev/null || true; sleep 0.5; umount "$scratch/data" 2> /dev/null || true; rm -rf "$scratch"' EXIT
}
