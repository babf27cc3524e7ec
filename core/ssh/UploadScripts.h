#pragma once

// The host's halves of an upload (Upload.cpp, UploadChannels.cpp). Paths arrive as positional
// parameters, never spliced into a script; the numbers in the protocol are the wizard's.

namespace myst::upload_scripts {

// The control channel: one login, a line protocol on stdin/stdout.
//
//   host:   refused <why>                (the folder is not safe to load an image from; ends)
//   or      state <bytes of .part> <bytes of the finished file or -1> <free KiB or -1>
//                 <1 when a record of blocks (.part.done) exists, else 0>
//           has <offset> <length>        one per block the record lists
//           end
//   wizard: ping                 host: pong          (the round trip, to size the channels)
//   wizard: final-sha            host: final-sha <sha256 of the finished file>
//   wizard: reset                host: reset         (the .part and its record are removed)
//   wizard: begin <prefix> <h>   host: begun         (the record starts, holding the prefix an
//           older, sequential upload left; h=1: a hasher follows the .part as it completes)
//   wizard: upto <n>             (the first n bytes are on the host: hash them now)
//   wizard: commit <sha256> <size>
//           host: committed <sha> | mismatch <sha> (the .part is removed) | short <size>
//
// The folder must be the login user's (or root's) and writable by no one else: a file there
// is loaded as MyST Studio, and in a folder others can write to (/tmp) it can be replaced
// between its check and its load. No folder above it may be writable by anyone (unless
// sticky), or the folder itself could be swapped. A finished file counts only if it is the login
// user's and no one else can write to it; any other is uploaded again and replaced. Before `state`,
// any process that still has the .part open (a writer of an attempt whose connection dropped) is
// ended: what the record says must be final. If the connection drops, `read` sees end of file and
// the script ends, keeping the .part and its record for the next attempt. The host hashes while the
// blocks arrive by reading back what is complete (from the page cache, through a FIFO into one
// hasher), so that after the last block only the rest of one block is left to hash rather than the
// whole file.
inline constexpr char Control[] = R"SH(part=$1 final=$2 dir=$3
umask 022
record=$part.done fifo=$part.hash
printf '\036myst-begin\n'
mkdir -p -- "$dir" || exit 3
st=$(stat -L -c '%u %a %U' -- "$dir") || exit 3
set -- $st
if { [ "$1" != "$(id -u)" ] && [ "$1" != 0 ]; } || [ $(( 0$2 & 022 )) != 0 ]; then
  echo "refused $dir is owned by $3 with mode $2: other users can write to it, so an image there could be replaced before it is loaded. Use a folder of the login user's that only it can write to (imageDirectory in the site file)."
  exit 0
fi
# Each folder above it too, as named and as it really is (symbolic links resolved): who can
# write to a parent can rename the folder and put one of theirs in its place. Only a parent
# anyone can write to is refused: a sticky one (/tmp) lets no one rename what is not theirs,
# and a parent its group can write to (/u01, oracle:oinstall 775) is the installation's own.
for up in "$dir" "$(cd -P -- "$dir" && pwd)"; do
  while [ "${up:-/}" != / ]; do
    up=${up%/*}; up=${up:-/}
    st=$(stat -L -c '%a %U' -- "$up") || exit 3
    set -- $st
    if [ $(( 0$1 & 02 )) != 0 ] && [ $(( 0$1 & 01000 )) = 0 ]; then
      echo "refused $dir lies in $up, which is owned by $2 with mode $1: anyone can rename $dir there and put a folder of theirs in its place, so an image there could be replaced before it is loaded. Use a folder whose parents not everyone can write to (imageDirectory in the site file)."
      exit 0
    fi
  done
done
for pid in $(find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -lname "$part" 2>/dev/null | cut -d/ -f3 | sort -u); do
  kill "$pid" 2>/dev/null; i=0
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
done
have=0; [ -f "$part" ] && have=$(stat -c %s -- "$part")
[ -f "$part" ] || rm -f -- "$record"
fin=-1; [ -f "$final" ] && [ -O "$final" ] && [ $(( 0$(stat -c %a -- "$final") & 022 )) = 0 ] && fin=$(stat -c %s -- "$final")
free=$(df -Pk -- "$dir" | awk 'NR==2 {print $4}')
rec=0; [ -f "$record" ] && rec=1
echo "state $have $fin ${free:--1} $rec"
[ $rec = 1 ] && while read -r o n; do echo "has $o $n"; done < "$record"
echo end
# openssl hashes several times faster than sha256sum where the CPU has SHA extensions.
hasher=sha256sum; command -v openssl >/dev/null 2>&1 && hasher="openssl dgst -sha256 -r"
trap 'rm -f -- "$fifo" "$fifo.sum"' EXIT
hashed=0 hpid=
while read -r cmd a b; do
  case $cmd in
  ping) echo pong ;;
  final-sha) echo "final-sha $($hasher < "$final" | cut -c1-64)" ;;
  reset) rm -f -- "$part" "$record"; echo reset ;;
  begin)
    if [ ! -f "$record" ]; then
      : >> "$part" || exit 4
      if [ "$a" -gt 0 ]; then echo "0 $a" > "$record"; else : > "$record"; fi || exit 4
    fi
    if [ "$b" = 1 ]; then
      rm -f -- "$fifo" "$fifo.sum"; mkfifo -m 600 -- "$fifo" || exit 5
      $hasher < "$fifo" > "$fifo.sum" & hpid=$!
      exec 5> "$fifo"
    fi
    echo begun ;;
  upto)
    dd if="$part" bs=128K iflag=skip_bytes,count_bytes skip="$hashed" count=$((a - hashed)) status=none >&5 || exit 6
    hashed=$a ;;
  commit)
    size=$(stat -c %s -- "$part" 2>/dev/null || echo 0)
    if [ "$size" != "$b" ]; then echo "short $size"; continue; fi
    if [ -n "$hpid" ]; then
      dd if="$part" bs=128K iflag=skip_bytes skip="$hashed" status=none >&5
      exec 5>&-; wait "$hpid"; hpid=
      sum=$(cut -c1-64 < "$fifo.sum")
    else
      sum=$($hasher < "$part" | cut -c1-64)
    fi
    if [ "$sum" = "$a" ] && mv -f -- "$part" "$final"; then rm -f -- "$record"; echo "committed $sum"
    else rm -f -- "$part" "$record"; echo "mismatch ${sum:-unreadable}"; fi ;;
  *) exit 0 ;;
  esac
done
)SH";

// A data channel: blocks, each a line "<offset> <length>" and then exactly length bytes, which
// dd writes at that offset in 128 KiB pieces (dd reads no further than the block; the shell's
// `read` no further than the line; a dd holding the whole block before writing it stalled the
// channel while it wrote, and writes of 1 MiB cost this VM five times the CPU of 128 KiB ones). A
// block is recorded in .part.done, and confirmed to the wizard with `ok`, only once dd copied all
// of it (its "<n> bytes … copied" line): a channel that ends mid-block (a drop, a cancel, a killed
// dd) leaves it unrecorded, to be sent again. A failed write (disk full) says `short`; a killed
// dd ends the channel like a drop.
inline constexpr char Data[] = R"SH(part=$1 record=$2
LC_ALL=C; export LC_ALL # dd's messages, read below
nl='
'
printf '\036myst-begin\n'
while read -r off n; do
  st=$(dd of="$part" bs=128K count="$n" iflag=fullblock,count_bytes seek="$off" oflag=seek_bytes conv=notrunc 2>&1); rc=$?
  [ $rc -gt 128 ] && exit 5
  [ $rc = 0 ] || { echo "short $off" $st; exit 4; }
  case $st in *"$nl$n bytes"*) ;; *) exit 0 ;; esac
  echo "$off $n" >> "$record" || { echo "short $off"; exit 4; }
  echo "ok $off $n"
done
)SH";

} // namespace myst::upload_scripts
