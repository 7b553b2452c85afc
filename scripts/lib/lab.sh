# Shared by scripts/demo-lab and bench/failover-gap: a lab of masters and a client in network
# namespaces on one Linux bridge. Source it; every name it creates starts with $LAB.
#
#   lab_up N            namespaces $LAB-br (the bridge), $LAB-m1..mN, $LAB-client
#   lab_config I ...    writes $LAB_DIR/mI.yaml
#   lab_start I         starts vip-agent in $LAB-mI (log: $LAB_DIR/mI.log)
#   lab_down            kills the agents, deletes every namespace (idempotent)

LAB=${LAB:-viplab}
LAB_DIR=${LAB_DIR:-$(mktemp -d /tmp/$LAB.XXXXXX)}
LAB_SUBNET=10.77.0
LAB_VIP=$LAB_SUBNET.100
LAB_BIN=${LAB_BIN:-.build/debug}
declare -A LAB_PID

lab_ns() { ip netns exec "$LAB-$1" "${@:2}"; }

lab_up() {
    local n=$1 i
    LAB_N=$n
    ip netns add "$LAB-br"
    lab_ns br ip link add br0 type bridge
    lab_ns br ip link set br0 up
    lab_ns br ip link set lo up
    for i in $(seq 1 "$n") client; do
        local name addr
        if [ "$i" = client ]; then name=client; addr=$LAB_SUBNET.50; else name=m$i; addr=$LAB_SUBNET.$((10 + i)); fi
        ip netns add "$LAB-$name"
        ip link add "p-$name" netns "$LAB-br" type veth peer name eth0 netns "$LAB-$name"
        lab_ns br ip link set "p-$name" master br0 up
        lab_ns "$name" ip link set lo up
        lab_ns "$name" ip addr add "$addr/24" dev eth0
        lab_ns "$name" ip link set eth0 up
    done
}

# lab_config I PRIORITY [extra YAML lines for the VIP]
lab_config() {
    local i=$1 prio=$2 extra=${3:-} peers="" j
    for j in $(seq 1 "$LAB_N"); do
        [ "$j" = "$i" ] || peers="$peers${peers:+, }$LAB_SUBNET.$((10 + j))"
    done
    [ -f "$LAB_DIR/auth.key" ] || head -c 32 /dev/urandom | base64 > "$LAB_DIR/auth.key"
    cat > "$LAB_DIR/m$i.yaml" <<YAML
node: m$i
cluster:
  peers: [$peers]
  authKeyFile: $LAB_DIR/auth.key
vips:
  - name: api
    address: $LAB_VIP/24
    interface: eth0
    routerId: 51
    priority: $prio
    advertInterval: ${LAB_INTERVAL:-100ms}
    stepDownHold: 5s
$extra
announce:
  garpCount: 3
  garpInterval: 50ms
status:
  socket: $LAB_DIR/m$i.sock
  metrics: ""
YAML
}

lab_start() {
    local i=$1
    # exec: $! is then vip-agent itself (ip netns exec execs it too), so signals reach it.
    (exec ip netns exec "$LAB-m$i" "$LAB_BIN/vip-agent" run --config "$LAB_DIR/m$i.yaml" >>"$LAB_DIR/m$i.log" 2>&1) &
    LAB_PID[$i]=$!
}

lab_stop() {  # lab_stop I [SIGNAL]
    local i=$1 sig=${2:-TERM}
    [ -n "${LAB_PID[$i]:-}" ] || return 0
    kill -s "$sig" "${LAB_PID[$i]}" 2>/dev/null || true
    wait "${LAB_PID[$i]}" 2>/dev/null || true
    LAB_PID[$i]=""
}

# The master holding the VIP, by looking at the hosts (not at what the agents say).
lab_holder() {
    local i
    for i in $(seq 1 "$LAB_N"); do
        if lab_ns "m$i" ip -o addr show dev eth0 2>/dev/null | grep -q " $LAB_VIP/"; then echo "$i"; fi
    done
}

lab_wait_holder() {  # lab_wait_holder [expected] [timeout seconds]
    local want=${1:-} deadline=$((SECONDS + ${2:-10})) h
    while [ $SECONDS -lt $deadline ]; do
        h=$(lab_holder | tr '\n' ' ' | sed 's/ $//')
        if [ -n "$h" ] && [ "${h// /}" = "$h" ] && { [ -z "$want" ] || [ "$h" = "$want" ]; }; then
            echo "$h"; return 0
        fi
        sleep 0.05
    done
    return 1
}

# Pings the VIP from the client every 5 ms into $LAB_DIR/ping.log until lab_ping_stop.
lab_ping_start() {
    (exec ip netns exec "$LAB-client" ping -D -n -i 0.005 -W 1 "$LAB_VIP" >"$LAB_DIR/ping.log" 2>&1) &
    LAB_PING=$!
}

# Prints the longest gap between two answered pings, in milliseconds.
lab_ping_stop() {
    kill -INT "$LAB_PING" 2>/dev/null || true
    wait "$LAB_PING" 2>/dev/null || true
    awk -F'[][]' '/bytes from/ { t = $2 + 0; if (last) { g = (t - last) * 1000; if (g > max) max = g }; last = t }
                  END { printf "%.0f\n", max }' "$LAB_DIR/ping.log"
}

lab_down() {
    local i
    for i in "${!LAB_PID[@]}"; do lab_stop "$i" KILL; done
    if [ -n "${LAB_PING:-}" ]; then kill "$LAB_PING" 2>/dev/null || true; LAB_PING=""; fi
    local ns
    for ns in $(ip netns list | awk '{print $1}' | grep "^$LAB-" || true); do ip netns delete "$ns" || true; done
}
