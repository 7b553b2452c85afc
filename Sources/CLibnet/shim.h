#ifndef VIP_CLIBNET_SHIM_H
#define VIP_CLIBNET_SHIM_H
#include <libnet.h>
#endif
