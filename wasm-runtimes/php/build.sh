#!/usr/bin/env bash
# Build php.wasm (PHP 8.2 CLI for wasm32-wasi) from pinned sources, reproducibly.
#
#   wasm-runtimes/php/build.sh            # build into $PHP_BUILD_DIR (default /tmp/php-build)
#   PHP_BUILD_DIR=/tmp/b2 wasm-runtimes/php/build.sh
#
# Inputs, each checked against its sha256 below before it is used:
#   - PHP 8.2.32 from Debian bookworm's source package php8.2 (8.2.32-1~deb12u1), fetched with
#     `apt-get source --download-only` through a private apt config (a deb-src line; the
#     machine's own apt setup is not touched). Only the upstream orig tarball is used.
#   - zig 0.17.0 from PyPI's `ziglang` wheel (its clang, wasm-ld and wasi-libc).
#   - the project's patches (patches/*.patch) and WASI glue (wasi/), from this folder.
# Downloads are kept in $PHP_CACHE_DIR (default ~/.cache/embedsandbox/php-build) and reused;
# put the files there by hand to build offline. Everything else is written under
# $PHP_BUILD_DIR; nothing is written into the git tree. Running it again rebuilds only what
# changed (each step has a stamp holding the hash of its inputs).
#
# Output: $PHP_BUILD_DIR/php.wasm, and its sha256 on the last line.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${PHP_BUILD_DIR:-/tmp/php-build}"
CACHE="${PHP_CACHE_DIR:-${HOME}/.cache/embedsandbox/php-build}"
JOBS="${PHP_BUILD_JOBS:-2}"
PYTHON="${PYTHON:-python3}"

PHP_VERSION=8.2.32
DEBIAN_VERSION=8.2.32-1~deb12u1
PHP_TARBALL=php8.2_${PHP_VERSION}.orig.tar.xz
PHP_SHA256=e02aa173c236c12791696254d607da680e6d5516f8f5c2339642de7c4f944bd2
ZIG_VERSION=0.17.0
ZIG_WHEEL=ziglang-0.17.0-py3-none-manylinux_2_12_x86_64.manylinux2010_x86_64.musllinux_1_1_x86_64.whl
ZIG_SHA256=97079827064a7492cce5541ceb438ae8003ce1e54e399676da2d62fb7a5dc08b
# A fixed time for everything that records one (__DATE__/__TIME__ in phpinfo() and
# `php -v`): the date of debian/changelog's 8.2.32-1~deb12u1 entry (2026-07-03 12:22:11 UTC).
export SOURCE_DATE_EPOCH=1783081331

say() { printf '[php-build] %s\n' "$*" >&2; }
die() { printf '[php-build] error: %s\n' "$*" >&2; exit 1; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }
check_sha256() { # file expected
	local actual
	actual="$(sha256 "$1")"
	[ "$actual" = "$2" ] || die "$1 has sha256 $actual, expected $2 (delete it to fetch it again)"
	say "ok: sha256 of $(basename "$1") is $2"
}
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

case "$(uname -m)" in x86_64) ;; *) die "the pinned zig wheel is for x86_64 Linux; this is $(uname -m)";; esac
mkdir -p "$CACHE" "$BUILD"
BUILD="$(cd "$BUILD" && pwd)"
say "build folder: $BUILD; download cache: $CACHE"

# --- 1. PHP source, from Debian's source package --------------------------------------------
if [ ! -f "$CACHE/$PHP_TARBALL" ]; then
	say "fetching php8.2=$DEBIAN_VERSION source with apt-get source (private apt config)"
	apt_dir="$BUILD/apt"
	rm -rf "$apt_dir"
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d" "$apt_dir/dl"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
		>"$apt_dir/sources.list"
	cat >"$apt_dir/apt.conf" <<EOF
Dir::Etc::sourcelist "$apt_dir/sources.list";
Dir::Etc::sourceparts "$apt_dir/sources.list.d";
Dir::State::Lists "$apt_dir/lists";
Dir::Cache "$apt_dir/cache";
EOF
	APT_CONFIG="$apt_dir/apt.conf" apt-get -q update >&2
	(cd "$apt_dir/dl" && APT_CONFIG="$apt_dir/apt.conf" apt-get -q source --download-only "php8.2=$DEBIAN_VERSION" >&2)
	cp "$apt_dir/dl/$PHP_TARBALL" "$CACHE/$PHP_TARBALL.part"
	mv "$CACHE/$PHP_TARBALL.part" "$CACHE/$PHP_TARBALL"
fi
check_sha256 "$CACHE/$PHP_TARBALL" "$PHP_SHA256"

# --- 2. zig, from PyPI's ziglang wheel ------------------------------------------------------
if [ ! -f "$CACHE/$ZIG_WHEEL" ]; then
	say "fetching ziglang==$ZIG_VERSION from PyPI"
	req="$BUILD/zig-requirements.txt"
	echo "ziglang==$ZIG_VERSION --hash=sha256:$ZIG_SHA256" >"$req"
	"$PYTHON" -m pip download -q --no-deps --only-binary :all: --require-hashes -r "$req" -d "$CACHE" >&2
fi
check_sha256 "$CACHE/$ZIG_WHEEL" "$ZIG_SHA256"
ZIG_HOME="$BUILD/zig"
if ! stamp_ok "$ZIG_HOME/.stamp" "$ZIG_SHA256"; then
	say "unpacking $ZIG_WHEEL into $ZIG_HOME"
	rm -rf "$ZIG_HOME"
	mkdir -p "$ZIG_HOME"
	"$PYTHON" -m zipfile -e "$CACHE/$ZIG_WHEEL" "$ZIG_HOME"
	chmod +x "$ZIG_HOME/ziglang/zig"
	echo "$ZIG_SHA256" >"$ZIG_HOME/.stamp"
fi
export PYTHONPATH="$ZIG_HOME"
# zig's caches (it builds wasi-libc for the target on first use) stay in the build folder.
export ZIG_GLOBAL_CACHE_DIR="$BUILD/zig-cache" ZIG_LOCAL_CACHE_DIR="$BUILD/zig-cache"
say "zig $("$PYTHON" -m ziglang version)"

# --- 3. tool wrappers: `python -m ziglang cc -target wasm32-wasi` and friends ----------------
SRC="$BUILD/php-src"
TOOLS="$BUILD/bin"
mkdir -p "$TOOLS"
# Paths of the build folder are mapped away so that two build folders give the same bytes.
# setjmp/longjmp (zend_try/zend_bailout) are lowered to Wasm exception handling (the
# standard, non-legacy instructions) and need a runtime with exceptions enabled.
EH_FLAGS="-mexception-handling -mllvm -wasm-enable-sjlj -mllvm -wasm-use-legacy-eh=false"
MAP_FLAGS="-ffile-prefix-map=$SRC=/php-src -ffile-prefix-map=$BUILD=/php-build"
cat >"$TOOLS/wasm-cc" <<EOF
#!/bin/sh
exec "$PYTHON" -m ziglang cc -target wasm32-wasi $MAP_FLAGS "\$@"
EOF
cat >"$TOOLS/wasm-ar" <<EOF
#!/bin/sh
exec "$PYTHON" -m ziglang ar "\$@"
EOF
cat >"$TOOLS/wasm-ranlib" <<EOF
#!/bin/sh
exec "$PYTHON" -m ziglang ranlib "\$@"
EOF
chmod +x "$TOOLS"/wasm-*
export PATH="$TOOLS:$PATH"

# --- 4. source tree, patched ----------------------------------------------------------------
TREE_KEY="$PHP_SHA256 $(cat "$HERE"/patches/*.patch | sha256sum | cut -d' ' -f1)"
if ! stamp_ok "$BUILD/.src-stamp" "$TREE_KEY"; then
	say "unpacking $PHP_TARBALL into $SRC"
	rm -rf "$SRC" "$BUILD/.configure-stamp" "$BUILD/.src-stamp"
	mkdir -p "$SRC"
	tar -xJf "$CACHE/$PHP_TARBALL" -C "$SRC" --strip-components=1
	for patch in "$HERE"/patches/*.patch; do
		say "applying patches/$(basename "$patch")"
		patch -s -p1 -d "$SRC" <"$patch"
	done
	echo "$TREE_KEY" >"$BUILD/.src-stamp"
fi

# --- 5. WASI glue: the exception tag and the POSIX stubs -------------------------------------
GLUE="$BUILD/wasi-glue"
mkdir -p "$GLUE"
for f in compat.h stubs.c sjlj_tag.S; do
	# Copied only when changed: every PHP object depends on compat.h (make's .dep files).
	cmp -s "$HERE/wasi/$f" "$GLUE/$f" || cp "$HERE/wasi/$f" "$GLUE/$f"
done
say "compiling wasi/sjlj_tag.S and wasi/stubs.c"
"$TOOLS/wasm-cc" $EH_FLAGS -c "$GLUE/sjlj_tag.S" -o "$GLUE/sjlj_tag.o"
"$TOOLS/wasm-cc" -O2 -g0 $EH_FLAGS -c "$GLUE/stubs.c" -o "$GLUE/stubs.o"

# --- 6. configure ---------------------------------------------------------------------------
WASI_EMU="-D_WASI_EMULATED_GETPID -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_MMAN"
WASI_EMU_LIBS="-lwasi-emulated-getpid -lwasi-emulated-signal -lwasi-emulated-process-clocks -lwasi-emulated-mman"
CONFIGURE_ARGS=(
	--build=x86_64-pc-linux-gnu --host=wasm32-unknown-wasi
	--prefix=/usr/local --disable-all --enable-cli --disable-cgi --disable-phpdbg --disable-phar
	--disable-opcache --disable-zend-signals --disable-fiber-asm --without-pcre-jit
	--without-iconv --without-openssl --without-valgrind --without-sqlite3 --without-libxml
	--enable-ctype --enable-tokenizer --enable-mbstring --disable-mbregex --enable-bcmath --enable-filter
)
CONFIGURE_VARS=(
	# phpinfo() shows this command line: no path of the build folder may be in it (the tools
	# are found on PATH, the tag object relative to the source tree).
	CC=wasm-cc AR=wasm-ar RANLIB=wasm-ranlib
	CFLAGS="-O2 -g0 $EH_FLAGS $WASI_EMU -Wno-date-time"
	LDFLAGS="$EH_FLAGS ../wasi-glue/sjlj_tag.o"
	LIBS="$WASI_EMU_LIBS"
	# Answers for what WASI lacks but a link test would find (wasi-libc has the symbol):
	# getrusage's struct has only the times, and mmap is an emulation (see patches/0001).
	ac_cv_func_getrusage=no ac_cv_func_mmap=no
	# configure records the build machine's `uname -a` (its kernel version, host name) as
	# PHP_UNAME and PHP_BUILD_SYSTEM: fixed, so the bytes do not depend on the machine.
	PHP_UNAME="wasi wasm32 embedsandbox-build" PHP_BUILD_SYSTEM="wasi wasm32 embedsandbox-build"
)
CONF_KEY="$TREE_KEY $(sha256 "$HERE/wasi/sjlj_tag.S") ${CONFIGURE_ARGS[*]} ${CONFIGURE_VARS[*]}"
if ! stamp_ok "$BUILD/.configure-stamp" "$CONF_KEY"; then
	say "configure ${CONFIGURE_ARGS[*]}"
	(cd "$SRC" && ./configure "${CONFIGURE_ARGS[@]}" "${CONFIGURE_VARS[@]}" >"$BUILD/configure.log" 2>&1) \
		|| die "configure failed; see $BUILD/configure.log"
	echo "$CONF_KEY" >"$BUILD/.configure-stamp"
fi

# --- 7. make --------------------------------------------------------------------------------
EXTRA_LIBS="$(sed -n 's/^EXTRA_LIBS = //p' "$SRC/Makefile")"
# The CLI's link line without -export-dynamic: nothing loads PHP extensions at run time, and
# exporting every symbol keeps them all (7.2 MB instead of 6.6 MB) and makes instantiating
# slow (~150 ms in the Python bindings instead of ~5 ms). The one export
# php.wasm needs besides memory and _initialize are embedsandbox_startup, embedsandbox_request
# (patches/0006) and embedsandbox_exit_status (patches/0004).
# --strip-debug: zig builds wasi-libc with DWARF, whose paths name the build folder; the
# "name" section (function names in wasmtime's backtraces) stays.
# -mexec-model=reactor: no _start; the host calls _initialize, then embedsandbox_startup and
# embedsandbox_request (patches/0006), keeping the memory between the two as a snapshot.
BUILD_CLI="$(sed -n 's/^BUILD_CLI = //p' "$SRC/Makefile" | sed 's/ -export-dynamic / -mexec-model=reactor -Wl,--strip-debug /')"
# Always link again (a few seconds): the link line above is not something make tracks.
rm -f "$SRC/sapi/cli/php"
say "make -j$JOBS (log: $BUILD/make.log)"
start=$(date +%s)
(cd "$SRC" && make -j"$JOBS" \
	EXTRA_CFLAGS="-include $GLUE/compat.h" \
	EXTRA_LIBS="$EXTRA_LIBS $GLUE/stubs.o $GLUE/sjlj_tag.o" \
	BUILD_CLI="$BUILD_CLI" \
	sapi/cli/php >"$BUILD/make.log" 2>&1) || { tail -30 "$BUILD/make.log" >&2; die "make failed; see $BUILD/make.log"; }
say "make took $(( $(date +%s) - start )) s"

cp "$SRC/sapi/cli/php" "$BUILD/php.wasm"
say "php.wasm: $(stat -c %s "$BUILD/php.wasm") bytes"
echo "$(sha256 "$BUILD/php.wasm")  $BUILD/php.wasm"
