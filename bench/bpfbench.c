// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfbench.c - the consumers of the live benchmark (bench/live.sh) that are
 * not xflowd: the raw limits and the in-kernel aggregation alternative.
 *
 * usage: bpfbench MODE -i IF [-g]
 *        bpfbench gen -i IF [-r PPS] [-d SECS] [-s SMAC] [-m DMAC]
 *                     [-a SRC] [-A DST] [-f FLOWS]
 *   gen    60-octet UDP frames out of IF, FLOWS source ports: as fast as
 *          BPF_PROG_RUN live frames go (~7 Mpps on veth here), or with -r
 *          paced evenly through AF_PACKET (up to ~1.4 Mpps); prints
 *          "END sent N secs S"
 *   drop   XDP program counting and dropping (the XDP ceiling)
 *   pass   XDP program counting and passing (a cheap counting sink)
 *   xsk    AF_XDP rx-drop loop: our redirect program, one socket on queue
 *          0, copy mode (zero-copy when offered), need_wakeup, poll(),
 *          batches of 64 - what xflowd's afxdp capture does, minus metering
 *   pcap   bare libpcap count loop, xflowd's settings (TPACKET_V3, 32 MiB,
 *          snap length 256, 100 ms timeout, non-blocking + poll)
 *   agg    in-kernel aggregation: bench.bpf.c's bb_agg per-CPU hash,
 *          drained (lookup and delete) by user space every 100 ms
 *   -g     generic XDP instead of native
 * Prints READY once attached; on SIGINT/SIGTERM prints
 * "END pkts N drops D" (D: what the kernel dropped before us, when known).
 */
#define _GNU_SOURCE /* sendmmsg */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <net/if.h>
/* pcap/bpf.h and linux/bpf.h both define struct bpf_insn */
#define PCAP_DONT_INCLUDE_PCAP_BPF_H
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "bench.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int silent(enum libbpf_print_level l, const char *f, va_list ap)
{
	(void)l;
	(void)f;
	(void)ap;
	return 0;
}

static int attach_xdp(struct bpf_program *p, unsigned int ifindex, int generic)
{
	LIBBPF_OPTS(bpf_link_create_opts, o,
		    .flags = generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
	int fd = bpf_link_create(bpf_program__fd(p), (int)ifindex, BPF_XDP, &o);

	if (fd < 0)
		fprintf(stderr, "bpfbench: attach XDP: %s\n", strerror(errno));
	return fd;
}

static unsigned long long percpu_sum(int map_fd)
{
	int n = libbpf_num_possible_cpus(), i;
	unsigned long long *v = calloc((size_t)n, sizeof(*v)), s = 0;
	unsigned int zero = 0;

	if (v && bpf_map_lookup_elem(map_fd, &zero, v) == 0)
		for (i = 0; i < n; i++)
			s += v[i];
	free(v);
	return s;
}

static void wait_stop(void)
{
	while (!stop)
		usleep(50000);
}

#define FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define BATCH 64

static int run_xsk(struct bench_bpf *s, const char *ifname,
		   unsigned int ifindex, int generic)
{
	struct xsk_umem_config uc = { .fill_size = FRAMES,
				      .comp_size = 2048,
				      .frame_size = FRAME_SIZE };
	struct xsk_socket_config sc = {
		.rx_size = FRAMES,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP,
	};
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq, rx;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xdp_statistics st;
	socklen_t sl = sizeof(st);
	unsigned long long pkts = 0;
	unsigned int q = 0;
	uint32_t idx = 0, idx_fq = 0, n, i;
	void *area;
	int fd, link;

	link = attach_xdp(s->progs.bb_xsk, ifindex, generic);
	if (link < 0)
		return 1;
	area = mmap(NULL, (size_t)FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED ||
	    xsk_umem__create(&umem, area, (size_t)FRAMES * FRAME_SIZE, &fq, &cq,
			     &uc)) {
		fprintf(stderr, "bpfbench: umem: %s\n", strerror(errno));
		return 1;
	}
	if (xsk_socket__create(&xsk, ifname, q, umem, &rx, NULL, &sc)) {
		sc.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP;
		if (xsk_socket__create(&xsk, ifname, q, umem, &rx, NULL, &sc)) {
			fprintf(stderr, "bpfbench: xsk: %s\n", strerror(errno));
			return 1;
		}
	}
	fd = xsk_socket__fd(xsk);
	bpf_map_update_elem(bpf_map__fd(s->maps.bb_xsks), &q, &fd, BPF_ANY);
	xsk_ring_prod__reserve(&fq, FRAMES, &idx);
	for (i = 0; i < FRAMES; i++)
		*xsk_ring_prod__fill_addr(&fq, idx + i) =
			(unsigned long long)i * FRAME_SIZE;
	xsk_ring_prod__submit(&fq, FRAMES);
	printf("READY xsk\n");
	fflush(stdout);
	while (!stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)
			continue;
		while ((n = xsk_ring_cons__peek(&rx, BATCH, &idx)) > 0) {
			while (xsk_ring_prod__reserve(&fq, n, &idx_fq) != n)
				;
			for (i = 0; i < n; i++)
				*xsk_ring_prod__fill_addr(&fq, idx_fq + i) =
					xsk_umem__extract_addr(
						xsk_ring_cons__rx_desc(&rx,
								       idx + i)
							->addr);
			xsk_ring_prod__submit(&fq, n);
			xsk_ring_cons__release(&rx, n);
			pkts += n;
		}
		if (xsk_ring_prod__needs_wakeup(&fq))
			recvfrom(fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	}
	memset(&st, 0, sizeof(st));
	getsockopt(fd, SOL_XDP, XDP_STATISTICS, &st, &sl);
	printf("END pkts %llu drops %llu\n", pkts,
	       (unsigned long long)(st.rx_dropped + st.rx_ring_full));
	xsk_socket__delete(xsk);
	xsk_umem__delete(umem);
	close(link);
	return 0;
}

static void count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)h;
	(void)d;
	(*(unsigned long long *)user)++;
}

static int run_pcap(const char *ifname)
{
	char eb[PCAP_ERRBUF_SIZE];
	unsigned long long pkts = 0;
	struct pcap_stat ps;
	struct pollfd p;
	pcap_t *pc = pcap_create(ifname, eb);

	if (!pc)
		return 1;
	pcap_set_snaplen(pc, 256);
	pcap_set_promisc(pc, 1);
	pcap_set_timeout(pc, 100);
	pcap_set_buffer_size(pc, 32 << 20);
	pcap_set_tstamp_precision(pc, PCAP_TSTAMP_PRECISION_NANO);
	if (pcap_activate(pc) < 0 || pcap_setnonblock(pc, 1, eb) < 0) {
		fprintf(stderr, "bpfbench: pcap: %s\n", pcap_geterr(pc));
		return 1;
	}
	p.fd = pcap_get_selectable_fd(pc);
	p.events = POLLIN;
	printf("READY pcap\n");
	fflush(stdout);
	while (!stop) {
		poll(&p, 1, 100);
		while (pcap_dispatch(pc, 256, count_cb, (u_char *)&pkts) > 0 &&
		       !stop)
			;
	}
	memset(&ps, 0, sizeof(ps));
	pcap_stats(pc, &ps);
	printf("END pkts %llu drops %llu\n", pkts,
	       (unsigned long long)ps.ps_drop + ps.ps_ifdrop);
	pcap_close(pc);
	return 0;
}

/* Drain the aggregation table: sum and delete every entry, in batches. */
#define AGG_BATCH 4096
static unsigned long long agg_drain(struct bench_bpf *s, int ncpu)
{
	struct bb_val {
		unsigned long long packets, octets, first, last, flags;
	};
	static unsigned char keys[AGG_BATCH][40];
	static struct bb_val *vals;
	unsigned char in[64], out[64];
	int fd = bpf_map__fd(s->maps.bb_agg_map), first = 1, err, j;
	unsigned long long pkts = 0;
	__u32 n, i;

	if (!vals)
		vals = calloc((size_t)AGG_BATCH * (size_t)ncpu, sizeof(*vals));
	if (!vals)
		return 0;
	do {
		LIBBPF_OPTS(bpf_map_batch_opts, o);

		n = AGG_BATCH;
		err = bpf_map_lookup_and_delete_batch(fd, first ? NULL : in,
						      out, keys, vals, &n, &o);
		if (err && errno != ENOENT)
			break;
		for (i = 0; i < n; i++)
			for (j = 0; j < ncpu; j++)
				pkts += vals[(size_t)i * (size_t)ncpu +
					     (size_t)j]
						.packets;
		memcpy(in, out, sizeof(in));
		first = 0;
	} while (!err);
	return pkts;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int parse_mac(const char *s, unsigned char *m)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2],
		      &m[3], &m[4], &m[5]) == 6
		       ? 0
		       : -1;
}

/* RFC 1071 checksum of an IPv4 header */
static void ip_checksum(unsigned char *h)
{
	unsigned int s = 0, i;

	h[10] = h[11] = 0;
	for (i = 0; i < 20; i += 2)
		s += (unsigned int)(h[i] << 8 | h[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	h[10] = (unsigned char)(~s >> 8);
	h[11] = (unsigned char)~s;
}

/*
 * The generator: 60-octet UDP frames out of ifname at rate pps (0: as fast
 * as it goes) for secs. bb_gen is also attached to ifname itself, which
 * keeps it in the kernel's XDP dispatcher: then a BPF_PROG_RUN call costs
 * no RCU grace period and small batches pace the traffic smoothly.
 */
static int run_afp(unsigned int ifindex, double pps, double secs,
		   const unsigned char *tmpl);

static int run_gen(struct bench_bpf *s, unsigned int ifindex, double pps,
		   double secs, const char *smac, const char *dmac,
		   const char *src, const char *dst, int paced)
{
	unsigned char frame[60] = { 0 };
	unsigned int a[4], b[4];
	uint64_t t0, sent = 0, now, end;
	int link, batch = 8192;

	if (parse_mac(dmac, frame) || parse_mac(smac, frame + 6) ||
	    sscanf(src, "%u.%u.%u.%u", &a[0], &a[1], &a[2], &a[3]) != 4 ||
	    sscanf(dst, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]) != 4) {
		fprintf(stderr, "bpfbench gen: bad address\n");
		return 2;
	}
	frame[12] = 0x08; /* IPv4 */
	frame[14] = 0x45;
	frame[17] = 46; /* total length */
	frame[22] = 64; /* TTL */
	frame[23] = 17; /* UDP */
	for (int i = 0; i < 4; i++) {
		frame[26 + i] = (unsigned char)a[i];
		frame[30 + i] = (unsigned char)b[i];
	}
	ip_checksum(frame + 14);
	frame[36] = 5000 >> 8; /* destination port 5000 */
	frame[37] = 5000 & 0xff;
	frame[39] = 26; /* UDP length; checksum 0 */
	if (paced)
		return run_afp(ifindex, pps, secs, frame);

	link = attach_xdp(s->progs.bb_gen, ifindex, 0);
	t0 = now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	while (!stop && (now = now_ns()) < end) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
			    .data_size_in = sizeof(frame),
			    .repeat = (unsigned int)batch,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
			    .batch_size = 64);

		if (bpf_prog_test_run_opts(bpf_program__fd(s->progs.bb_gen),
					   &o)) {
			fprintf(stderr, "bpfbench gen: %s\n", strerror(errno));
			return 1;
		}
		sent += (uint64_t)batch;
	}
	printf("END sent %llu secs %.3f\n", (unsigned long long)sent,
	       (double)(now_ns() - t0) / 1e9);
	if (link >= 0)
		close(link);
	return 0;
}

/*
 * The paced generator: the same frames through an AF_PACKET socket
 * (sendmmsg, 32 a call, qdisc bypassed), spread evenly in time. Live
 * frames cannot be paced (each BPF_PROG_RUN call sets up a page pool:
 * ~150 us), and their 10 ms bursts overflow a veth's 256-frame ring
 * whatever the mean rate; this one tops out near 1.4 Mpps here.
 */
static int run_afp(unsigned int ifindex, double pps, double secs,
		   const unsigned char *tmpl)
{
	enum { N = 32 };
	static unsigned char frames[N][60];
	struct mmsghdr mm[N];
	struct iovec iov[N];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)ifindex };
	uint64_t t0, sent = 0, now, end;
	unsigned int port = 0;
	int fd = socket(AF_PACKET, SOCK_RAW, 0), one = 1, i, n;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "bpfbench gen: AF_PACKET: %s\n",
			strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < N; i++) {
		memcpy(frames[i], tmpl, 60);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = 60;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	while (!stop && (now = now_ns()) < end) {
		if (pps > 0 && (double)sent > (double)(now - t0) * pps / 1e9)
			continue; /* ahead of the schedule */
		for (i = 0; i < N; i++, port++) {
			frames[i][34] =
				(unsigned char)((10000 + port % 4096) >> 8);
			frames[i][35] = (unsigned char)(10000 + port % 4096);
		}
		n = sendmmsg(fd, mm, N, 0);
		if (n > 0)
			sent += (uint64_t)n;
	}
	printf("END sent %llu secs %.3f\n", (unsigned long long)sent,
	       (double)(now_ns() - t0) / 1e9);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "", *ifname = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long long pkts = 0;
	struct bench_bpf *s;
	unsigned int ifindex;
	int c, generic = 0, link, rc = 0, ncpu;

	const char *smac = "02:00:00:00:00:01", *dmac = "02:00:00:00:00:02";
	const char *src = "10.77.0.1", *dst = "10.77.0.2";
	double pps = 0, secs = 5;
	unsigned int nflows = 4096;

	optind = 2;
	while ((c = getopt(argc, argv, "i:gr:d:s:m:a:A:f:")) != -1) {
		switch (c) {
		case 'i':
			ifname = optarg;
			break;
		case 'g':
			generic = 1;
			break;
		case 'r':
			pps = atof(optarg);
			break;
		case 'd':
			secs = atof(optarg);
			break;
		case 's':
			smac = optarg;
			break;
		case 'm':
			dmac = optarg;
			break;
		case 'a':
			src = optarg;
			break;
		case 'A':
			dst = optarg;
			break;
		case 'f':
			nflows = (unsigned int)atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (!ifname || !(ifindex = if_nametoindex(ifname))) {
		fprintf(stderr, "usage: bpfbench drop|pass|xsk|pcap|agg|gen -i "
				"IF [-g] (see bench/bpfbench.c)\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (strcmp(mode, "pcap") == 0)
		return run_pcap(ifname);

	libbpf_set_print(silent);
	s = bench_bpf__open();
	if (!s)
		return 1;
	bpf_program__set_autoload(s->progs.bb_drop, !strcmp(mode, "drop"));
	bpf_program__set_autoload(s->progs.bb_pass, !strcmp(mode, "pass"));
	bpf_program__set_autoload(s->progs.bb_xsk, !strcmp(mode, "xsk"));
	bpf_program__set_autoload(s->progs.bb_agg, !strcmp(mode, "agg"));
	bpf_program__set_autoload(s->progs.bb_gen, !strcmp(mode, "gen"));
	s->rodata->gen_ifindex = ifindex;
	s->rodata->gen_nflows = nflows ? nflows : 1;
	if (bench_bpf__load(s)) {
		fprintf(stderr, "bpfbench: load: %s\n", strerror(errno));
		return 1;
	}
	ncpu = libbpf_num_possible_cpus();
	if (strcmp(mode, "gen") == 0) {
		rc = run_gen(s, ifindex, pps, secs, smac, dmac, src, dst,
			     pps > 0);
		bench_bpf__destroy(s);
		return rc;
	}
	if (strcmp(mode, "xsk") == 0) {
		rc = run_xsk(s, ifname, ifindex, generic);
		bench_bpf__destroy(s);
		return rc;
	}
	link = attach_xdp(!strcmp(mode, "drop")	  ? s->progs.bb_drop
			  : !strcmp(mode, "pass") ? s->progs.bb_pass
						  : s->progs.bb_agg,
			  ifindex, generic);
	if (link < 0)
		return 1;
	printf("READY %s\n", mode);
	fflush(stdout);
	if (strcmp(mode, "agg") == 0) {
		while (!stop) {
			usleep(100000);
			pkts += agg_drain(s, ncpu);
		}
		close(link);
		pkts += agg_drain(s, ncpu);
		printf("END pkts %llu drops %llu\n", pkts,
		       percpu_sum(bpf_map__fd(s->maps.bb_count)));
	} else {
		wait_stop();
		close(link);
		printf("END pkts %llu drops 0\n",
		       percpu_sum(bpf_map__fd(s->maps.bb_count)));
	}
	bench_bpf__destroy(s);
	return rc;
}
