/* vpstest spoof SRC DST PORT: send a UDP datagram to DST:PORT with the source address SRC in three
 * ways, then a control datagram from the real address, and print one line each:
 *   freebind <ERRNO>   a UDP socket bound to SRC with IP_FREEBIND
 *   rawip <ERRNO>      an IP_HDRINCL raw socket
 *   packet <ERRNO>     a packet socket (below IP) on eth0, to the gateway's MAC address
 *   control <ERRNO>    the same packet socket with eth0's own address
 * Payloads are "spoofed-<way>" and "control". The gateway must be in /proc/net/arp (ping it). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "vpstest.h"

#define GATEWAY "169.254.0.1"

static unsigned short ip_checksum(const void *p, size_t len)
{
	const unsigned short *w = p;
	unsigned long sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

/* An IPv4/UDP packet (UDP checksum 0: none) in buf; returns its length. */
static size_t build(unsigned char *buf, struct in_addr src, struct in_addr dst, unsigned short port, const char *payload)
{
	struct iphdr *ip = (struct iphdr *)buf;
	struct udphdr *udp = (struct udphdr *)(buf + sizeof(*ip));
	size_t plen = strlen(payload), len = sizeof(*ip) + sizeof(*udp) + plen;

	memset(buf, 0, sizeof(*ip) + sizeof(*udp));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((unsigned short)len);
	ip->saddr = src.s_addr;
	ip->daddr = dst.s_addr;
	ip->check = ip_checksum(ip, sizeof(*ip));
	udp->source = htons(40000);
	udp->dest = htons(port);
	udp->len = htons((unsigned short)(sizeof(*udp) + plen));
	memcpy(buf + sizeof(*ip) + sizeof(*udp), payload, plen);
	return len;
}

static int send_freebind(struct in_addr src, const struct sockaddr_in *to)
{
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_addr = src };
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM, 0), e = 0;

	if (fd < 0)
		return errno;
	if (setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0 ||
	    sendto(fd, "spoofed-freebind", 16, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		e = errno;
	close(fd);
	return e;
}

static int send_rawip(struct in_addr src, const struct sockaddr_in *to)
{
	unsigned char buf[256];
	size_t len = build(buf, src, to->sin_addr, ntohs(to->sin_port), "spoofed-rawip");
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW), e = 0;

	if (fd < 0)
		return errno;
	if (sendto(fd, buf, len, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		e = errno;
	close(fd);
	return e;
}

static int gateway_mac(unsigned char mac[6])
{
	char line[256], ip[64], hw[64];
	FILE *f = fopen("/proc/net/arp", "re");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %*s %*s %63s", ip, hw) == 2 && !strcmp(ip, GATEWAY) &&
		    sscanf(hw, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) == 6)
			found = 1;
	fclose(f);
	return found;
}

static int send_packet(struct in_addr src, const struct sockaddr_in *to, const unsigned char mac[6], const char *payload)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_halen = 6 };
	unsigned char buf[256];
	size_t len = build(buf, src, to->sin_addr, ntohs(to->sin_port), payload);
	int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP)), e = 0;

	if (fd < 0)
		return errno;
	ll.sll_ifindex = (int)if_nametoindex("eth0");
	memcpy(ll.sll_addr, mac, 6);
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		e = errno;
	close(fd);
	return e;
}

static int own_address(struct in_addr *a)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ok;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "eth0");
	ok = fd >= 0 && ioctl(fd, SIOCGIFADDR, &ifr) == 0;
	if (ok)
		*a = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
	if (fd >= 0)
		close(fd);
	return ok;
}

int vpstest_spoof(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct in_addr src, self;
	unsigned char mac[6];
	long port = argc == 4 ? vpstest_count(argv[3]) : -1;

	if (port < 1 || port > 65535 || inet_pton(AF_INET, argv[1], &src) != 1 ||
	    inet_pton(AF_INET, argv[2], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: vpstest spoof SRC DST PORT\n");
		return 2;
	}
	to.sin_port = htons((unsigned short)port);
	if (!gateway_mac(mac) || !own_address(&self)) {
		fprintf(stderr, "vpstest: spoof: no ARP entry for " GATEWAY " or no address on eth0\n");
		return 1;
	}
	printf("freebind %s\n", vpstest_errname(send_freebind(src, &to)));
	printf("rawip %s\n", vpstest_errname(send_rawip(src, &to)));
	printf("packet %s\n", vpstest_errname(send_packet(src, &to, mac, "spoofed-packet")));
	printf("control %s\n", vpstest_errname(send_packet(self, &to, mac, "control")));
	return 0;
}
