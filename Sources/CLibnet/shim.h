#ifndef VIP_CLIBNET_SHIM_H
#define VIP_CLIBNET_SHIM_H
#include <libnet.h>
#include <string.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <poll.h>

/* libnet takes IPv6 addresses as a struct with a union inside; build one from 16 bytes. */
static inline struct libnet_in6_addr vip_libnet_in6(const uint8_t *bytes) {
    struct libnet_in6_addr address;
    memcpy(&address, bytes, 16);
    return address;
}
#endif
