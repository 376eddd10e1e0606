#!/bin/sh
# The floor for per-container CNI cost: ADD of each plugin in order, then DEL in reverse, called
# straight from a shell, no engine around them. Usage: cni-floor.sh DIR NETNS ID TYPE...
# DIR holds <TYPE>.json for each plugin type given: that plugin's stdin without prevResult.
set -e
dir=$1 netns=$2 id=$3
shift 3
export CNI_CONTAINERID="$id" CNI_NETNS="$netns" CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni
with_prev() { # conf-file prev-json: the conf with "prevResult" appended as its last key
  printf '%s,"prevResult":%s}' "$(sed 's/}[[:space:]]*$//' "$1")" "$2"
}
export CNI_COMMAND=ADD
r=
reversed=
for t in "$@"; do
  if [ -z "$r" ]; then r=$(/usr/lib/cni/"$t" < "$dir/$t.json"); else r=$(with_prev "$dir/$t.json" "$r" | /usr/lib/cni/"$t"); fi
  reversed="$t $reversed"
done
export CNI_COMMAND=DEL
for t in $reversed; do with_prev "$dir/$t.json" "$r" | /usr/lib/cni/"$t"; done
