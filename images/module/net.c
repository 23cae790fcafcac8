// SPDX-License-Identifier: GPL-2.0
/*
 * The network side of a context, in its own network namespace:
 *
 *  - the if_vps rule at the source: a packet the VPS sends (LOCAL_OUT) must
 *    come from an address of the VPS's netns (its IP_NETWORKS, loopback, its
 *    IPv6 link-local). Anything else is dropped and the sender gets EPERM;
 *    the host's rp_filter on the veth is the second wall (raw frames from a
 *    packet socket never pass LOCAL_OUT).
 *  - the tcpsock limit: a new TCP connection (a SYN leaving, or one coming
 *    in) is refused while the netns holds its hard limit of connections:
 *    connect() fails with ECONNREFUSED, a remote client gets a reset.
 *  - the figures: established sockets, and the interface speed, read back
 *    from the TBF qdisc vpsctl puts on a device for netspeed.
 *
 * The hooks come and go with the context, through the vps_ctx_ops below.
 */
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/addrconf.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include <net/netlink.h>
#include <net/route.h>
#include <net/sch_generic.h>
#include <net/tcp_states.h>

#include "vps.h"

/* RCU: count the TCP sockets of @net in the established hash */
void vps_tcp_count(struct net *net, struct vps_tcp_count *c)
{
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;
	unsigned int i;

	c->established = 0;
	c->busy = 0;
	for (i = 0; i <= h->ehash_mask; i++) {
		struct inet_ehash_bucket *head = &h->ehash[i];
		struct hlist_nulls_node *node;
		struct sock *sk;

		if (hlist_nulls_empty(&head->chain))
			continue;
		sk_nulls_for_each_rcu(sk, node, &head->chain) {
			if (!net_eq(sock_net(sk), net))
				continue;
			switch (READ_ONCE(sk->sk_state)) {
			case TCP_ESTABLISHED:
				c->established++;
				fallthrough;
			case TCP_SYN_SENT:
			case TCP_SYN_RECV:
			case TCP_NEW_SYN_RECV:
			case TCP_CLOSE_WAIT:
				c->busy++;
				break;
			}
		}
	}
}

/* A SYN without ACK: somebody opens a connection. */
static bool vps_tcp_syn(struct sk_buff *skb, unsigned int thoff)
{
	struct tcphdr _th;
	const struct tcphdr *th;

	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	return th && th->syn && !th->ack;
}

/* May @ctx hold one more connection? @extra: 1 when the new one is not in
 * the hash yet (an incoming SYN), 0 when it is (a socket connecting). */
static bool vps_tcp_refused(struct vps_ctx *ctx, unsigned int extra)
{
	struct vps_tcp_count c;

	if (READ_ONCE(ctx->limit[VPS_RES_TCPSOCK].hard) == VPS_UNLIMITED &&
	    READ_ONCE(ctx->limit[VPS_RES_TCPSOCK].soft) == VPS_UNLIMITED)
		return false;
	rcu_read_lock();
	vps_tcp_count(ctx->net, &c);
	rcu_read_unlock();
	return vps_limit_exceeded(ctx, VPS_RES_TCPSOCK, c.busy + extra);
}

static bool vps_src4_ok(struct net *net, __be32 saddr)
{
	return ipv4_is_loopback(saddr) || inet_addr_type(net, saddr) == RTN_LOCAL;
}

static bool vps_src6_ok(struct net *net, const struct in6_addr *saddr)
{
	return ipv6_addr_any(saddr) || ipv6_addr_loopback(saddr) ||
	       ipv6_chk_addr(net, saddr, NULL, 0);
}

static unsigned int vps_out4(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct vps_ctx *ctx = priv;
	const struct iphdr *iph = ip_hdr(skb);

	if (!vps_src4_ok(state->net, iph->saddr)) {
		vps_dbg(if, "context %u: dropped a packet from %pI4 to %pI4: not an address of the VPS",
			ctx->id, &iph->saddr, &iph->daddr);
		return NF_DROP;		/* the sender gets EPERM */
	}
	if (iph->protocol == IPPROTO_TCP && !ip_is_fragment(iph) &&
	    vps_tcp_syn(skb, ip_hdrlen(skb)) && vps_tcp_refused(ctx, 0)) {
		vps_dbg(if, "context %u: refused a connection to %pI4", ctx->id, &iph->daddr);
		return NF_DROP_ERR(-ECONNREFUSED);
	}
	return NF_ACCEPT;
}

static unsigned int vps_in4(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	struct vps_ctx *ctx = priv;
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->protocol == IPPROTO_TCP && !ip_is_fragment(iph) &&
	    vps_tcp_syn(skb, ip_hdrlen(skb)) && vps_tcp_refused(ctx, 1)) {
		vps_dbg(if, "context %u: refused a connection from %pI4", ctx->id, &iph->saddr);
		nf_send_reset(state->net, state->sk, skb, state->hook);
		return NF_DROP;
	}
	return NF_ACCEPT;
}

/* The transport header of an IPv6 packet and its protocol; -1 if none. */
static int vps_l4_6(struct sk_buff *skb, unsigned int *thoff)
{
	__be16 frag_off;
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	int off;

	off = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr, &frag_off);
	if (off < 0 || (frag_off & htons(~0x7)))
		return -1;
	*thoff = off;
	return nexthdr;
}

static unsigned int vps_out6(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct vps_ctx *ctx = priv;
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int thoff;

	if (!vps_src6_ok(state->net, &ip6h->saddr)) {
		vps_dbg(if, "context %u: dropped a packet from %pI6c to %pI6c: not an address of the VPS",
			ctx->id, &ip6h->saddr, &ip6h->daddr);
		return NF_DROP;
	}
	if (vps_l4_6(skb, &thoff) == IPPROTO_TCP && vps_tcp_syn(skb, thoff) &&
	    vps_tcp_refused(ctx, 0)) {
		vps_dbg(if, "context %u: refused a connection to %pI6c", ctx->id, &ip6h->daddr);
		return NF_DROP_ERR(-ECONNREFUSED);
	}
	return NF_ACCEPT;
}

static unsigned int vps_in6(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	struct vps_ctx *ctx = priv;
	unsigned int thoff;

	if (vps_l4_6(skb, &thoff) == IPPROTO_TCP && vps_tcp_syn(skb, thoff) &&
	    vps_tcp_refused(ctx, 1)) {
		vps_dbg(if, "context %u: refused a connection from %pI6c", ctx->id,
			&ipv6_hdr(skb)->saddr);
		nf_send_reset6(state->net, state->sk, skb, state->hook);
		return NF_DROP;
	}
	return NF_ACCEPT;
}

static const struct nf_hook_ops vps_nf_ops_template[] = {
	{ .hook = vps_out4, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP_PRI_FILTER },
	{ .hook = vps_in4, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP_PRI_FILTER },
	{ .hook = vps_out6, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP6_PRI_FILTER },
	{ .hook = vps_in6, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP6_PRI_FILTER },
};

#define VPS_NF_OPS ARRAY_SIZE(vps_nf_ops_template)

/* Attach the hooks to the context's netns; each carries the context. */
static int vps_net_hooks_add(struct vps_ctx *ctx)
{
	struct nf_hook_ops *ops;
	unsigned int i;
	int err;

	ops = kmemdup(vps_nf_ops_template, sizeof(vps_nf_ops_template), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	for (i = 0; i < VPS_NF_OPS; i++)
		ops[i].priv = ctx;
	err = nf_register_net_hooks(ctx->net, ops, VPS_NF_OPS);
	if (err) {
		kfree(ops);
		return err;
	}
	ctx->nf_ops = ops;
	vps_dbg(core, "context %u: network hooks attached", ctx->id);
	return 0;
}

/* Detach them; no hook runs after this returns. */
static void vps_net_hooks_del(struct vps_ctx *ctx)
{
	if (!ctx->nf_ops)
		return;
	nf_unregister_net_hooks(ctx->net, ctx->nf_ops, VPS_NF_OPS);
	kfree(ctx->nf_ops);
	ctx->nf_ops = NULL;
}

/*
 * RTNL: the rate of the TBF qdisc at the root of @dev, in bits/s; 0 when
 * the device is not shaped. Read through the qdisc's own netlink dump (what
 * `tc qdisc show` prints), not its private state.
 */
u64 vps_dev_speed(struct net_device *dev)
{
	struct Qdisc *q = rtnl_dereference(dev->qdisc);
	struct nlattr *opts, *a;
	struct sk_buff *skb;
	u64 rate = 0;
	int rem;

	ASSERT_RTNL();
	if (!q || !q->ops || strcmp(q->ops->id, "tbf") || !q->ops->dump)
		return 0;
	skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return 0;
	if (q->ops->dump(q, skb) < 0 || skb->len < NLA_HDRLEN)
		goto out;
	opts = (struct nlattr *)skb->data;
	if (nla_type(opts) != TCA_OPTIONS || nla_len(opts) + NLA_HDRLEN > skb->len)
		goto out;
	nla_for_each_nested(a, opts, rem) {
		if (nla_type(a) == TCA_TBF_PARMS && nla_len(a) >= sizeof(struct tc_tbf_qopt) && !rate)
			rate = ((struct tc_tbf_qopt *)nla_data(a))->rate.rate;
		else if (nla_type(a) == TCA_TBF_RATE64 && nla_len(a) >= sizeof(u64))
			rate = nla_get_u64(a);
	}
out:
	kfree_skb(skb);
	return rate * 8;
}

static struct vps_ctx_ops vps_net_ctx_ops = {
	.add	= vps_net_hooks_add,
	.del	= vps_net_hooks_del,
};

int vps_net_init(void)
{
	return vps_register_ctx_ops(&vps_net_ctx_ops);
}

void vps_net_exit(void)
{
	vps_unregister_ctx_ops(&vps_net_ctx_ops);
}
