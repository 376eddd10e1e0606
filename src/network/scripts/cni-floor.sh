#!/bin/sh
# The floor for per-container CNI cost: ADD then DEL of bridge, portmap, firewall called straight
# from a shell, no engine around them. Usage: cni-floor.sh DIR NETNS ID
# DIR holds bridge.json, portmap.json, firewall.json: each plugin's stdin without prevResult.
set -e
dir=$1 netns=$2 id=$3
export CNI_CONTAINERID="$id" CNI_NETNS="$netns" CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni
with_prev() { # conf-file prev-json: the conf with "prevResult" appended as its last key
  printf '%s,"prevResult":%s}' "$(sed 's/}[[:space:]]*$//' "$1")" "$2"
}
export CNI_COMMAND=ADD
r=$(/usr/lib/cni/bridge < "$dir/bridge.json")
r=$(with_prev "$dir/portmap.json" "$r" | /usr/lib/cni/portmap)
r=$(with_prev "$dir/firewall.json" "$r" | /usr/lib/cni/firewall)
export CNI_COMMAND=DEL
with_prev "$dir/firewall.json" "$r" | /usr/lib/cni/firewall
with_prev "$dir/portmap.json" "$r" | /usr/lib/cni/portmap
with_prev "$dir/bridge.json" "$r" | /usr/lib/cni/bridge
