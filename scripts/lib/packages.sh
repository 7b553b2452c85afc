# Shared by scripts/test, scripts/demo-lab and .ci/run: the Debian packages the project needs,
# installed when missing (as root; otherwise the command to run is printed).
#
#   need_packages build        the C libraries vip-agent links (libnl-route-3, libnet, libsystemd)
#   need_packages lab          + what the namespace lab uses (iproute2, ping)
#   need_packages test         + what the test suite uses (openssl, systemd-analyze, python3,
#                                script, ovsdb-server, ovn-northd, ovs-vswitchd and the OVN/OVS schemas, promtool, tcpdump,
#                                lintian, stress-ng) and the PyPI packages in PYPI_TEST
#   need_packages bench        + what bench/compare uses (keepalived, nftables, gnuplot, valgrind)

PACKAGES_BUILD=(pkg-config libnl-3-dev libnl-route-3-dev libnet1-dev libsystemd-dev)
PACKAGES_LAB=(iproute2 iputils-ping procps)
PACKAGES_BENCH=(keepalived nftables gnuplot-nox valgrind)
PACKAGES_TEST=(openssl systemd python3 bsdutils ovn-central ovn-common openvswitch-common openvswitch-switch
               prometheus lintian tcpdump libcap2-bin util-linux nftables faketime stress-ng)
# The Kubernetes schemas for the static pod check (offline: the package ships them).
PYPI_TEST=("kubernetes-validate>=1.29")

need_packages() {
    local wanted=("${PACKAGES_BUILD[@]}") missing=() p
    case "${1:-build}" in
        lab) wanted+=("${PACKAGES_LAB[@]}") ;;
        test) wanted+=("${PACKAGES_LAB[@]}" "${PACKAGES_TEST[@]}") ;;
        bench) wanted+=("${PACKAGES_LAB[@]}" "${PACKAGES_BENCH[@]}") ;;
    esac
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "missing Debian packages: ${missing[*]}" >&2
        echo "install them with: sudo apt-get install ${missing[*]}" >&2
        return 1
    fi
    echo "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The OVN/OVS packages start system daemons on install; the tests run their own servers.
    if [[ " ${missing[*]} " == *" ovn-central "* || " ${missing[*]} " == *" openvswitch-switch "* ]]; then
        systemctl stop ovn-central openvswitch-switch >/dev/null 2>&1 || true
    fi
    # prometheus is installed for promtool; the tests need no Prometheus server.
    if [[ " ${missing[*]} " == *" prometheus "* ]]; then
        systemctl stop prometheus prometheus-node-exporter >/dev/null 2>&1 || true
    fi
    # keepalived's package enables its system service; bench/compare runs its own instances.
    if [[ " ${missing[*]} " == *" keepalived "* ]]; then
        systemctl disable --now keepalived >/dev/null 2>&1 || true
    fi
}

# The PyPI packages of the test suite, installed with the python3 the tests run when missing.
need_python_packages() {
    local missing=() spec module
    for spec in "${PYPI_TEST[@]}"; do
        module=${spec%%[<>=]*}
        module=${module//-/_}
        python3 -c "import ${module}" 2>/dev/null || missing+=("$spec")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing from PyPI: ${missing[*]}"
    # Debian's own python3 refuses pip installs into it unless told (PEP 668).
    python3 -m pip install --quiet --disable-pip-version-check "${missing[@]}" \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${missing[@]}"
}
