# Shared by scripts/demo-lab and bench/failover-gap: a lab of masters and a client in network
# namespaces on one Linux bridge. Source it; every name it creates starts with $LAB.
#
#   lab_up N            namespaces $LAB-br (the bridge), $LAB-m1..mN, $LAB-client
#   lab_config I ...    writes $LAB_DIR/mI.yaml
#   lab_start I         starts vip-agent in $LAB-mI (log: $LAB_DIR/mI.log)
#   lab_down            kills the agents, deletes every namespace (idempotent)
#
# For bench/compare (keepalived beside vip-agent; nothing above changes):
#   lab_keepalived_config I PRIORITY [track_script command]   writes $LAB_DIR/kmI.conf (VRRPv3 unicast)
#   lab_keepalived_start I                                   starts keepalived in $LAB-mI (log: kmI.log)
#   lab_pids I                                               the agent's processes (its children too)
#   lab_loss_on PERCENT MATCH / lab_loss_drops / lab_loss_off  nftables drop of election input
#   LAB_WRAP="valgrind …"                                    a command the agent runs under (lab_start, lab_keepalived_start)
#   LAB_STEPDOWN_HOLD                                        stepDownHold of lab_config (default 5s)
#   lab_config_exec_check I PRIORITY                          lab_config gated by an exec check (fail-mI)
#
# For bench/footprint and scripts/hot-code (an agent as on a master: its VIP gated by an HTTPS check):
#   lab_https_up N [keepalive|close]   lab_up N, and in each master's namespace a /readyz server on
#                                      127.0.0.1:6443 that the master's config checks every second

LAB=${LAB:-viplab}
LAB_DIR=${LAB_DIR:-$(mktemp -d /tmp/$LAB.XXXXXX)}
LAB_SUBNET=10.77.0
LAB_VIP=$LAB_SUBNET.100
LAB_BIN=${LAB_BIN:-.build/debug}
declare -A LAB_PID
declare -a LAB_SERVERS=()

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
    stepDownHold: ${LAB_STEPDOWN_HOLD:-5s}
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
    # shellcheck disable=SC2086  # LAB_WRAP is a command line, split on purpose
    (exec ip netns exec "$LAB-m$i" ${LAB_WRAP:-} "$LAB_BIN/vip-agent" run --config "$LAB_DIR/m$i.yaml" >>"$LAB_DIR/m$i.log" 2>&1) &
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
    for i in "${LAB_SERVERS[@]}"; do kill "$i" 2>/dev/null || true; done
    LAB_SERVERS=()
    if [ -n "${LAB_PING:-}" ]; then kill "$LAB_PING" 2>/dev/null || true; LAB_PING=""; fi
    local ns
    for ns in $(ip netns list | awk '{print $1}' | grep "^$LAB-" || true); do ip netns delete "$ns" || true; done
}

# lab_config_exec_check I PRIORITY: lab_config with bench/compare's health check gating the VIP:
# exec `test ! -e $LAB_DIR/fail-mI` (interval 1s, timeout 500ms, rise 1, fall 1); touching that
# file fails it.
lab_config_exec_check() {
    lab_config "$1" "$2" "    checks: [bench]
healthChecks:
  - name: bench
    exec: { command: [/usr/bin/test, \"!\", -e, \"$LAB_DIR/fail-m$1\"] }
    interval: 1s
    timeout: 500ms
    rise: 1
    fall: 1"
}

# lab_https_up N [SERVER]: SERVER keepalive (default) keeps the connection as kube-apiserver does
# (scripts/lib/readyz-server.py); close is `openssl s_server -www`, one TLS handshake per check run.
lab_https_up() {
    local n=$1 server=${2:-keepalive} i
    command -v openssl >/dev/null || apt-get install -y -qq --no-install-recommends openssl >/dev/null
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
        -addext subjectAltName=IP:127.0.0.1 -keyout "$LAB_DIR/tls.key" -out "$LAB_DIR/tls.crt" >/dev/null 2>&1
    lab_up "$n"
    for i in $(seq 1 "$n"); do
        if [ "$server" = close ]; then
            (exec ip netns exec "$LAB-m$i" openssl s_server -quiet -accept 127.0.0.1:6443 -www \
                -cert "$LAB_DIR/tls.crt" -key "$LAB_DIR/tls.key" >/dev/null 2>&1) &
        else
            (exec ip netns exec "$LAB-m$i" python3 "$(dirname "${BASH_SOURCE[0]}")/readyz-server.py" 127.0.0.1 6443 \
                "$LAB_DIR/tls.crt" "$LAB_DIR/tls.key" >/dev/null 2>&1) &
        fi
        LAB_SERVERS+=($!)
        lab_config "$i" $((160 - 10 * i)) "    checks: [apiserver]
healthChecks:
  - name: apiserver
    https: { url: \"https://127.0.0.1:6443/\", caFile: \"$LAB_DIR/tls.crt\" }
    interval: 1s
    timeout: 500ms"
    done
    sleep 0.5
}

# --- keepalived in the same lab (bench/compare) --------------------------------------------------

# lab_keepalived_config I PRIORITY [TRACK_SCRIPT]: VRRPv3 unicast to the other masters, the same
# VIP, virtual router id and advert interval ($LAB_INTERVAL, as fractional seconds) as lab_config.
# TRACK_SCRIPT (a command line) gates mastership (interval 1s, rise 1, fall 1).
lab_keepalived_config() {
    local i=$1 prio=$2 script=${3:-} peers="" j adv
    for j in $(seq 1 "$LAB_N"); do
        [ "$j" = "$i" ] || peers="$peers    $LAB_SUBNET.$((10 + j))"$'\n'
    done
    adv=$(lab_seconds "${LAB_INTERVAL:-100ms}")
    {
        cat <<CONF
global_defs {
    router_id m$i
    vrrp_version 3
    script_user root
    enable_script_security
    vrrp_garp_master_repeat 3
    vrrp_garp_interval 0.05
}
CONF
        [ -z "$script" ] || cat <<CONF
vrrp_script bench_check {
    script "$script"
    interval 1
    rise 1
    fall 1
}
CONF
        cat <<CONF
vrrp_instance api {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $prio
    advert_int $adv
    unicast_src_ip $LAB_SUBNET.$((10 + i))
    unicast_peer {
$peers    }
    virtual_ipaddress {
        $LAB_VIP/24 dev eth0
    }
CONF
        [ -z "$script" ] || printf '    track_script {\n        bench_check\n    }\n'
        echo "}"
    } > "$LAB_DIR/km$i.conf"
}

# A duration of the YAML configuration (20ms, 1s) as seconds (0.02, 1).
lab_seconds() {
    case $1 in
        *ms) awk -v v="${1%ms}" 'BEGIN { printf "%g", v / 1000 }' ;;
        *s) echo "${1%s}" ;;
        *) echo "$1" ;;
    esac
}

lab_keepalived_start() {
    local i=$1
    # -n: stays in the foreground (so $! is keepalived's parent process and SIGTERM reaches it),
    # -P: the VRRP process only; own pid files, so three instances share the host.
    # shellcheck disable=SC2086
    (exec ip netns exec "$LAB-m$i" ${LAB_WRAP:-} keepalived -n -l -D -P -f "$LAB_DIR/km$i.conf" \
        -p "$LAB_DIR/km$i.pid" -r "$LAB_DIR/km$i-vrrp.pid" >>"$LAB_DIR/km$i.log" 2>&1) &
    LAB_PID[$i]=$!
}

# lab_pids I: the process of agent I and all its descendants, one per line.
lab_pids() {
    local todo=(${LAB_PID[$1]:-}) p
    while [ ${#todo[@]} -gt 0 ]; do
        p=${todo[0]}; todo=("${todo[@]:1}")
        [ -d "/proc/$p" ] || continue
        echo "$p"
        todo+=($(cat /proc/"$p"/task/*/children 2>/dev/null))
    done
}

# lab_loss_on PERCENT MATCH: on every master, drop PERCENT % of the election packets that arrive
# (MATCH: an nftables match such as "udp dport 5450" or "ip protocol vrrp"), with a counter.
lab_loss_on() {
    local pct=$1 match=$2 i
    for i in $(seq 1 "$LAB_N"); do
        lab_ns "m$i" nft -f - <<NFT
table inet lab_loss {
    chain input {
        type filter hook input priority filter; policy accept;
        $match numgen random mod 100 < $pct counter drop
    }
}
NFT
    done
}

# Prints the packets the loss rules dropped, summed over the masters.
lab_loss_drops() {
    local i
    for i in $(seq 1 "$LAB_N"); do
        lab_ns "m$i" nft list table inet lab_loss 2>/dev/null | grep -o 'counter packets [0-9]*' | awk '{print $3}'
    done | awk '{ s += $1 } END { print s + 0 }'
}

lab_loss_off() {
    local i
    for i in $(seq 1 "$LAB_N"); do lab_ns "m$i" nft delete table inet lab_loss 2>/dev/null || true; done
}
