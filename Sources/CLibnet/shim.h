#ifndef VIP_CLIBNET_SHIM_H
#define VIP_CLIBNET_SHIM_H
#include <libnet.h>
#include <string.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <errno.h>

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
#endif
