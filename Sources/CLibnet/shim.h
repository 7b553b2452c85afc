#ifndef VIP_CLIBNET_SHIM_H
#define VIP_CLIBNET_SHIM_H
#include <libnet.h>
#include <string.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <errno.h>
#include <linux/filter.h>
#include <sys/socket.h>

/* The interface's hardware address now (SIOCGIFHWADDR on `fd`, so in the network namespace
   that socket was opened in): 0 and 6 bytes in `mac`, or -1 with errno set. */
static inline int vip_read_hwaddr(int fd, const char *interface, uint8_t mac[6]) {
    struct ifreq request;
    memset(&request, 0, sizeof request);
    if (strlen(interface) >= sizeof request.ifr_name) { errno = ENODEV; return -1; }
    strcpy(request.ifr_name, interface);
    if (ioctl(fd, SIOCGIFHWADDR, &request) < 0) return -1;
    memcpy(mac, request.ifr_hwaddr.sa_data, 6);
    return 0;
}

/* libnet takes IPv6 addresses as a struct with a union inside; build one from 16 bytes. */
static inline struct libnet_in6_addr vip_libnet_in6(const uint8_t *bytes) {
    struct libnet_in6_addr address;
    memcpy(&address, bytes, 16);
    return address;
}
/* Attaches the classic BPF program `code` (`length` instructions) to the socket `fd`. */
static inline int vip_attach_filter(int fd, struct sock_filter *code, unsigned short length) {
    struct sock_fprog program = { .len = length, .filter = code };
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program);
}
/* Keeps only ICMPv6 neighbour solicitations and advertisements (no extension header) on a packet
   socket, so that a socket bound for IPv6 does not queue the interface's other traffic. */
static inline int vip_attach_ndp_filter(int fd) {
    struct sock_filter code[] = {
        { 0x28, 0, 0, 12 },        /* ldh [12]: EtherType */
        { 0x15, 0, 6, 0x86dd },    /* IPv6, else drop */
        { 0x30, 0, 0, 20 },        /* ldb [20]: next header */
        { 0x15, 0, 4, 58 },        /* ICMPv6, else drop */
        { 0x30, 0, 0, 54 },        /* ldb [54]: ICMPv6 type */
        { 0x15, 1, 0, 135 },       /* neighbour solicitation */
        { 0x15, 0, 1, 136 },       /* neighbour advertisement */
        { 0x06, 0, 0, 0x40000 },   /* accept */
        { 0x06, 0, 0, 0 },         /* drop */
    };
    return vip_attach_filter(fd, code, sizeof code / sizeof code[0]);
}
/* Keeps only ARP replies (operation 2) on a packet socket bound for ARP: what the probes and
   the arp check read; the requests every host on the segment broadcasts never queue. */
static inline int vip_attach_arp_reply_filter(int fd) {
    struct sock_filter code[] = {
        { 0x28, 0, 0, 12 },        /* ldh [12]: EtherType */
        { 0x15, 0, 3, 0x0806 },    /* ARP, else drop */
        { 0x28, 0, 0, 20 },        /* ldh [20]: ARP operation */
        { 0x15, 0, 1, 2 },         /* reply, else drop */
        { 0x06, 0, 0, 0x40000 },   /* accept */
        { 0x06, 0, 0, 0 },         /* drop */
    };
    return vip_attach_filter(fd, code, sizeof code / sizeof code[0]);
}
/* Makes the interface accept frames to the multicast MAC `mac` while `fd` is open
   (PACKET_ADD_MEMBERSHIP): a solicited-node group the host itself has not joined. */
static inline int vip_add_multicast_membership(int fd, int ifindex, const uint8_t mac[6]) {
    struct packet_mreq request;
    memset(&request, 0, sizeof request);
    request.mr_ifindex = ifindex;
    request.mr_type = PACKET_MR_MULTICAST;
    request.mr_alen = 6;
    memcpy(request.mr_address, mac, 6);
    return setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &request, sizeof request);
}
#endif
