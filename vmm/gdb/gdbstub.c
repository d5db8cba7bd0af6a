/* The GDB remote-serial-protocol stub: see gdb.h and docs/gdb.md. One thread: accept a
 * client, then read packets and answer them; while the VM runs after `c`, wait for the
 * client's Ctrl-C (0x03), an engine's breakpoint or watchpoint hit (an eventfd), or
 * the end of the VM. All-stop: the whole VM is paused (the monitor's pause) whenever
 * the debugger looks at it; `s` steps the selected vCPU only. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "accel.h"
#include "machine.h"
#include "monitor.h"
#include "gdb/gdb.h"
#include "../monitor/guest_mmu.h"

#define MAX_PACKET 16384   /* longest packet accepted; PacketSize says 4096 */
#define MAX_MEM 2048       /* bytes per m packet */
#define POLL_MS 50

static struct stub {
	struct machine *m;
	const struct monitor_target_ops *mon;
	void *mt;
	const struct gdb_target_ops *ops;
	void *t;
	int lfd, cfd, evfd;
	char *unix_path;
	pthread_t thread;
	bool started, running;  /* running: the VM runs for the client (after c) */
	atomic_bool quit;
	unsigned gcpu;          /* Hg: registers and memory; also the one s steps */
	struct gdb_stop last;   /* the last stop, for `?` */
	pthread_mutex_t lock;   /* pending */
	struct gdb_stop pending;
	bool has_pending;
	char in[MAX_PACKET + 4];
	char out[MAX_PACKET + 8];
} st = { .lfd = -1, .cfd = -1, .evfd = -1 };

static const char target_xml[] =
	"<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	"<target><architecture>aarch64</architecture>"
	"<feature name=\"org.gnu.gdb.aarch64.core\">"
#define X(n) "<reg name=\"x" #n "\" bitsize=\"64\"/>"
	X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
	X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29)
	X(30)
#undef X
	"<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>"
	"<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
	"<reg name=\"cpsr\" bitsize=\"32\"/></feature>"
	"<feature name=\"org.gnu.gdb.aarch64.fpu\">"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
	"<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>"
	"<vector id=\"v2i\" type=\"int64\" count=\"2\"/>"
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
	"<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>"
	"<vector id=\"v4i\" type=\"int32\" count=\"4\"/>"
	"<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>"
	"<vector id=\"v8i\" type=\"int16\" count=\"8\"/>"
	"<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>"
	"<vector id=\"v16i\" type=\"int8\" count=\"16\"/>"
	"<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>"
	"<vector id=\"v1i\" type=\"int128\" count=\"1\"/>"
	"<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/><field name=\"u\" type=\"v2u\"/>"
	"<field name=\"s\" type=\"v2i\"/></union>"
	"<union id=\"vns\"><field name=\"f\" type=\"v4f\"/><field name=\"u\" type=\"v4u\"/>"
	"<field name=\"s\" type=\"v4i\"/></union>"
	"<union id=\"vnh\"><field name=\"u\" type=\"v8u\"/><field name=\"s\" type=\"v8i\"/></union>"
	"<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/><field name=\"s\" type=\"v16i\"/></union>"
	"<union id=\"vnq\"><field name=\"u\" type=\"v1u\"/><field name=\"s\" type=\"v1i\"/></union>"
	"<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/><field name=\"s\" type=\"vns\"/>"
	"<field name=\"h\" type=\"vnh\"/><field name=\"b\" type=\"vnb\"/>"
	"<field name=\"q\" type=\"vnq\"/></union>"
#define V(n) "<reg name=\"v" #n "\" bitsize=\"128\" type=\"aarch64v\"/>"
	V(0) V(1) V(2) V(3) V(4) V(5) V(6) V(7) V(8) V(9) V(10) V(11) V(12) V(13) V(14) V(15)
	V(16) V(17) V(18) V(19) V(20) V(21) V(22) V(23) V(24) V(25) V(26) V(27) V(28) V(29)
	V(30) V(31)
#undef V
	"<reg name=\"fpsr\" bitsize=\"32\"/><reg name=\"fpcr\" bitsize=\"32\"/>"
	"</feature></target>";

void gdb__notify_stop(const struct gdb_stop *s)
{
	uint64_t one = 1;

	pthread_mutex_lock(&st.lock);
	if (!st.has_pending) {
		st.pending = *s;
		st.has_pending = true;
	}
	pthread_mutex_unlock(&st.lock);
	if (st.evfd >= 0 && write(st.evfd, &one, sizeof(one)) < 0) {
		/* the counter is full: a wake-up is pending anyway */
	}
}

/* ---- packets ---- */

static const char hexd[] = "0123456789abcdef";

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A hex number at *p (at most 16 digits); advances *p. -1 when none. */
static int parse_hex(const char **p, uint64_t *v)
{
	unsigned n = 0;

	*v = 0;
	while (hexval(**p) >= 0) {
		if (++n > 16)
			return -1;
		*v = (*v << 4) | (uint64_t)hexval(*(*p)++);
	}
	return n ? 0 : -1;
}

static int decode_bytes(const char *p, size_t nhex, uint8_t *out)
{
	for (size_t i = 0; i < nhex / 2; i++) {
		int h = hexval(p[2 * i]), l = hexval(p[2 * i + 1]);

		if (h < 0 || l < 0)
			return -1;
		out[i] = (uint8_t)(h << 4 | l);
	}
	return 0;
}

static char *encode_bytes(char *o, const void *buf, size_t len)
{
	const uint8_t *b = buf;

	for (size_t i = 0; i < len; i++) {
		*o++ = hexd[b[i] >> 4];
		*o++ = hexd[b[i] & 15];
	}
	*o = 0;
	return o;
}

static int send_all(const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(st.cfd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send $data#cs (binary-safe: data of length len). The ack is not waited for. */
static int send_packet_len(const char *data, size_t len)
{
	static char buf[2 * MAX_PACKET + 8];
	uint8_t cs = 0;
	size_t o = 0;

	buf[o++] = '$';
	for (size_t i = 0; i < len && o < sizeof(buf) - 8; i++) {
		char ch = data[i];

		if (ch == '$' || ch == '#' || ch == '}' || ch == '*') {
			buf[o++] = '}';
			cs += '}';
			ch ^= 0x20;
		}
		buf[o++] = ch;
		cs += (uint8_t)ch;
	}
	o += (size_t)snprintf(buf + o, 4, "#%02x", cs);
	return send_all(buf, o);
}

static int send_packet(const char *s)
{
	return send_packet_len(s, strlen(s));
}

/* Read one packet into st.in (NUL-terminated, length in *len). Returns 1 for a packet,
 * 2 for a Ctrl-C, 0 for end of connection. Bad checksums are refused with '-'. */
static int read_packet(size_t *len, int timeout_ms)
{
	enum { IDLE, DATA, CS1, CS2 } state = IDLE;
	uint8_t sum = 0, want = 0;
	size_t n = 0;
	bool overflow = false;

	for (;;) {
		char ch;
		ssize_t r;

		if (timeout_ms >= 0 && state == IDLE) {
			struct pollfd pfd = { .fd = st.cfd, .events = POLLIN };

			if (poll(&pfd, 1, timeout_ms) == 0)
				return 3;
		}
		r = recv(st.cfd, &ch, 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		switch (state) {
		case IDLE:
			if (ch == 0x03)
				return 2;
			if (ch == '$') {
				state = DATA;
				n = 0;
				sum = 0;
				overflow = false;
			}
			break; /* '+', '-' and noise */
		case DATA:
			if (ch == '#') {
				state = CS1;
				break;
			}
			sum += (uint8_t)ch;
			if (n < MAX_PACKET)
				st.in[n++] = ch;
			else
				overflow = true;
			break;
		case CS1:
			if (hexval(ch) < 0) {
				state = IDLE;
				send_all("-", 1);
				break;
			}
			want = (uint8_t)(hexval(ch) << 4);
			state = CS2;
			break;
		case CS2:
			state = IDLE;
			if (hexval(ch) < 0 || (want | hexval(ch)) != sum || overflow) {
				send_all("-", 1);
				break;
			}
			send_all("+", 1);
			st.in[n] = 0;
			*len = n;
			return 1;
		}
	}
}

/* ---- the VM ---- */

static unsigned ncpus(void)
{
	return st.mon->ncpus(st.mt);
}

static void stop_reply(const struct gdb_stop *s)
{
	char buf[96];
	int sig = s->kind == GDB_STOP_INTERRUPT ? 2 : 5;

	if (s->kind == GDB_STOP_WATCH)
		snprintf(buf, sizeof(buf), "T%02x%s:%llx;thread:%x;", sig,
			 s->wtype == GDB_WP_READ ? "rwatch" : s->wtype == GDB_WP_ACCESS ? "awatch" : "watch",
			 (unsigned long long)s->addr, s->cpu + 1);
	else
		snprintf(buf, sizeof(buf), "T%02xthread:%x;", sig, s->cpu + 1);
	st.gcpu = s->cpu;
	send_packet(buf);
}

/* Guest virtual -> physical through vCPU cpu's translation (a walk with no side
 * effect), at EL1 so that both halves of the address space are seen. */
static int va_to_pa(unsigned cpu, uint64_t va, uint64_t *pa)
{
	struct target tg = { .ops = st.mon, .t = st.mt };
	struct vcpu_regs r;
	struct guest_mmu g;
	struct mmu_result res;

	if (st.mon->get_regs(st.mt, cpu, &r))
		return -EFAULT;
	guest_mmu__init(&g, &tg, &r);
	return guest_mmu__va_to_pa(&g, va, MMU_READ, guest_mmu__flags(&r, 1, false), pa, &res);
}

/* Copy guest memory at va (len <= MAX_MEM) as vCPU cpu sees it; returns the bytes
 * done. */
static size_t mem_rw_cpu(unsigned cpu, uint64_t va, void *buf, size_t len, bool write)
{
	size_t done = 0;

	while (done < len) {
		uint64_t a = va + done, pa;
		size_t chunk = 4096 - (a & 4095);

		if (chunk > len - done)
			chunk = len - done;
		if (va_to_pa(cpu, a, &pa))
			break;
		if (write ? st.ops->write_phys(st.t, pa, (const uint8_t *)buf + done, chunk) :
			    st.mon->read_phys(st.mt, pa, (uint8_t *)buf + done, chunk))
			break;
		done += chunk;
	}
	return done;
}

static size_t mem_rw(uint64_t va, void *buf, size_t len, bool write)
{
	return mem_rw_cpu(st.gcpu, va, buf, len, write);
}

size_t gdb__read_virt(unsigned cpu, uint64_t va, void *buf, size_t len)
{
	return len <= MAX_MEM ? mem_rw_cpu(cpu, va, buf, len, false) : 0;
}

static void regs_to_hex(const struct gdb_regs *r, char *o)
{
	o = encode_bytes(o, r->x, sizeof(r->x));
	o = encode_bytes(o, &r->sp, 8);
	o = encode_bytes(o, &r->pc, 8);
	o = encode_bytes(o, &r->cpsr, 4);
	o = encode_bytes(o, r->v, sizeof(r->v));
	o = encode_bytes(o, &r->fpsr, 4);
	encode_bytes(o, &r->fpcr, 4);
}

/* Register n's place and size in struct gdb_regs. */
static void *reg_ptr(struct gdb_regs *r, unsigned n, size_t *size)
{
	*size = 8;
	if (n < 31)
		return &r->x[n];
	if (n == GDB_REG_SP)
		return &r->sp;
	if (n == GDB_REG_PC)
		return &r->pc;
	*size = 4;
	if (n == GDB_REG_CPSR)
		return &r->cpsr;
	if (n == GDB_REG_FPSR)
		return &r->fpsr;
	if (n == GDB_REG_FPCR)
		return &r->fpcr;
	*size = 16;
	if (n >= GDB_REG_V0 && n < GDB_REG_V0 + 32)
		return r->v[n - GDB_REG_V0];
	return NULL;
}

static void reply_err(int e)
{
	char b[8];

	snprintf(b, sizeof(b), "E%02x", e & 0xff);
	send_packet(b);
}

/* A thread id of H, T: -1 all, 0 any, else cpu + 1. Sets *cpu (any: 0). */
static int parse_tid(const char *p, unsigned *cpu)
{
	uint64_t v;

	if (!strcmp(p, "-1") || !strcmp(p, "0")) {
		*cpu = 0;
		return 0;
	}
	if (parse_hex(&p, &v) || *p || v == 0 || v > ncpus())
		return -1;
	*cpu = (unsigned)v - 1;
	return 0;
}

static void resume(void)
{
	if (st.ops->before_resume)
		st.ops->before_resume(st.t);
	pthread_mutex_lock(&st.lock);
	st.has_pending = false;
	pthread_mutex_unlock(&st.lock);
	st.mon->resume(st.mt);
	st.running = true;
}

static int pause_vm(void)
{
	int rc = st.mon->pause(st.mt);

	st.running = false;
	return rc;
}

static void note_break(uint64_t type, uint64_t addr, uint64_t len, bool insert);

static void breakpoint_packet(const char *p, bool insert)
{
	uint64_t type, addr, kind, pa = ~0ull;
	int rc;

	if (parse_hex(&p, &type) || *p++ != ',' || parse_hex(&p, &addr) || *p++ != ',' ||
	    parse_hex(&p, &kind) || (*p && *p != ';')) {
		reply_err(1);
		return;
	}
	if (type > GDB_WP_ACCESS) {
		send_packet("");
		return;
	}
	if (insert && va_to_pa(st.gcpu, addr, &pa))
		pa = ~0ull; /* the engine says whether it needs one */
	rc = st.ops->set_break(st.t, (enum gdb_bp_type)type, addr, pa, kind, insert);
	if (!rc)
		note_break(type, addr, kind, insert);
	if (rc == -EOPNOTSUPP)
		send_packet("");
	else if (rc)
		reply_err(-rc);
	else
		send_packet("OK");
}

static void thread_info(void)
{
	char *o = st.out;

	*o++ = 'm';
	for (unsigned k = 0; k < ncpus() && o < st.out + MAX_PACKET - 16; k++)
		o += sprintf(o, "%s%x", k ? "," : "", k + 1);
	*o = 0;
	send_packet(st.out);
}

static void xfer_features(const char *p)
{
	uint64_t off, len;
	size_t total = sizeof(target_xml) - 1;

	if (strncmp(p, "target.xml:", 11)) {
		reply_err(0);
		return;
	}
	p += 11;
	if (parse_hex(&p, &off) || *p++ != ',' || parse_hex(&p, &len) || *p) {
		reply_err(1);
		return;
	}
	if (off >= total) {
		send_packet("l");
		return;
	}
	if (len > MAX_PACKET - 2)
		len = MAX_PACKET - 2;
	if (len > total - off)
		len = total - off;
	st.out[0] = off + len < total ? 'm' : 'l';
	memcpy(st.out + 1, target_xml + off, len);
	send_packet_len(st.out, len + 1);
}

enum { GO_ON, RUN, END };

/* One packet while the VM is paused. RUN: the VM was resumed; END: close. */
static int handle(char *p, size_t len)
{
	struct gdb_regs r;
	uint64_t a, l;
	const char *q;
	size_t n;

	switch (p[0]) {
	case '?':
		stop_reply(&st.last);
		return GO_ON;
	case 'q':
		if (!strncmp(p, "qSupported", 10))
			send_packet("PacketSize=1000;qXfer:features:read+;hwbreak+");
		else if (!strncmp(p, "qXfer:features:read:", 20))
			xfer_features(p + 20);
		else if (!strcmp(p, "qAttached"))
			send_packet("1");
		else if (!strcmp(p, "qC")) {
			snprintf(st.out, 32, "QC%x", st.gcpu + 1);
			send_packet(st.out);
		} else if (!strcmp(p, "qfThreadInfo"))
			thread_info();
		else if (!strcmp(p, "qsThreadInfo"))
			send_packet("l");
		else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
			unsigned cpu;
			char s[32];

			if (parse_tid(p + 17, &cpu)) {
				reply_err(1);
				break;
			}
			snprintf(s, sizeof(s), "vCPU %u", cpu);
			encode_bytes(st.out, s, strlen(s));
			send_packet(st.out);
		} else
			send_packet("");
		return GO_ON;
	case 'H': {
		unsigned cpu;

		if (len < 2 || parse_tid(p + 2, &cpu)) {
			reply_err(1);
			break;
		}
		if (p[1] == 'g')
			st.gcpu = cpu;
		send_packet("OK"); /* Hc: c/s resume all, s steps the Hg vCPU */
		return GO_ON;
	}
	case 'T': {
		unsigned cpu;

		send_packet(parse_tid(p + 1, &cpu) ? "E01" : "OK");
		return GO_ON;
	}
	case 'g':
		if (st.ops->get_regs(st.t, st.gcpu, &r)) {
			reply_err(14);
			break;
		}
		regs_to_hex(&r, st.out);
		send_packet(st.out);
		return GO_ON;
	case 'G':
		if (len - 1 < sizeof(r) * 0 + 2 * (31 * 8 + 8 + 8 + 4 + 32 * 16 + 4 + 4) ||
		    st.ops->get_regs(st.t, st.gcpu, &r)) {
			reply_err(1);
			break;
		}
		q = p + 1;
		for (unsigned k = 0; k < GDB_NREGS; k++) {
			void *d = reg_ptr(&r, k, &n);

			if (decode_bytes(q, 2 * n, d))
				break;
			q += 2 * n;
		}
		send_packet(st.ops->set_regs(st.t, st.gcpu, &r) ? "E0e" : "OK");
		return GO_ON;
	case 'p':
	case 'P': {
		void *d;

		q = p + 1;
		if (parse_hex(&q, &a) || st.ops->get_regs(st.t, st.gcpu, &r)) {
			reply_err(1);
			break;
		}
		d = a < GDB_NREGS ? reg_ptr(&r, (unsigned)a, &n) : NULL;
		if (!d) {
			reply_err(1);
			break;
		}
		if (p[0] == 'p') {
			encode_bytes(st.out, d, n);
			send_packet(st.out);
			return GO_ON;
		}
		if (*q++ != '=' || strlen(q) != 2 * n || decode_bytes(q, 2 * n, d) ||
		    st.ops->set_regs(st.t, st.gcpu, &r)) {
			reply_err(1);
			break;
		}
		send_packet("OK");
		return GO_ON;
	}
	case 'm':
	case 'M': {
		static uint8_t buf[MAX_PACKET / 2];

		q = p + 1;
		if (parse_hex(&q, &a) || *q++ != ',' || parse_hex(&q, &l) || l > MAX_MEM) {
			reply_err(1);
			break;
		}
		if (p[0] == 'm') {
			n = mem_rw(a, buf, l, false);
			if (!n && l) {
				reply_err(14);
				break;
			}
			encode_bytes(st.out, buf, n);
			send_packet(st.out);
			return GO_ON;
		}
		if (*q++ != ':' || strlen(q) != 2 * l || decode_bytes(q, 2 * l, buf)) {
			reply_err(1);
			break;
		}
		send_packet(mem_rw(a, buf, l, true) == l ? "OK" : "E0e");
		return GO_ON;
	}
	case 'Z':
	case 'z':
		breakpoint_packet(p + 1, p[0] == 'Z');
		return GO_ON;
	case 'c':
	case 'C':
	case 's':
	case 'S':
		q = p + 1;
		if (p[0] == 'C' || p[0] == 'S') { /* the signal is ignored */
			if (parse_hex(&q, &a) || (*q && *q != ';')) {
				reply_err(1);
				break;
			}
			if (*q == ';')
				q++;
		}
		if (*q) { /* resume at an address */
			if (parse_hex(&q, &a) || st.ops->get_regs(st.t, st.gcpu, &r)) {
				reply_err(1);
				break;
			}
			r.pc = a;
			st.ops->set_regs(st.t, st.gcpu, &r);
		}
		if (p[0] == 's' || p[0] == 'S') {
			pthread_mutex_lock(&st.lock); /* a stale stop from before the pause */
			st.has_pending = false;
			pthread_mutex_unlock(&st.lock);
			if (st.ops->step(st.t, st.gcpu)) {
				reply_err(14);
				break;
			}
			st.last = (struct gdb_stop){ .kind = GDB_STOP_STEP, .cpu = st.gcpu };
			pthread_mutex_lock(&st.lock); /* a breakpoint or watchpoint on the way */
			if (st.has_pending) {
				st.last = st.pending;
				st.has_pending = false;
			}
			pthread_mutex_unlock(&st.lock);
			stop_reply(&st.last);
			return GO_ON;
		}
		resume();
		return RUN;
	case 'D':
		send_packet("OK");
		return END;
	case 'k':
		machine__stop(st.m, VM_STOP_USER, 0);
		return END;
	case 'v':
		if (!strncmp(p, "vKill", 5)) {
			send_packet("OK");
			machine__stop(st.m, VM_STOP_USER, 0);
			return END;
		}
		send_packet(""); /* vCont? and the rest: c/s are enough */
		return GO_ON;
	default:
		send_packet("");
		return GO_ON;
	}
	return GO_ON;
}

/* While the VM runs for the client: 0 when it stopped for the client (paused, reply
 * sent), -1 when the connection ended or the VM ended. */
static int wait_stop(void)
{
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = st.cfd, .events = POLLIN }, { .fd = st.evfd, .events = POLLIN },
		};
		uint64_t cnt;

		if (machine__stopping(st.m) || atomic_load(&st.quit))
			return -1;
		if (poll(fds, 2, POLL_MS) < 0 && errno != EINTR)
			return -1;
		if (fds[1].revents & POLLIN) {
			if (read(st.evfd, &cnt, sizeof(cnt)) < 0) {
				/* nothing pending after all */
			}
			pthread_mutex_lock(&st.lock);
			if (st.has_pending) {
				st.last = st.pending;
				st.has_pending = false;
				pthread_mutex_unlock(&st.lock);
				if (pause_vm())
					return -1;
				stop_reply(&st.last);
				return 0;
			}
			pthread_mutex_unlock(&st.lock);
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			char ch;
			ssize_t r = recv(st.cfd, &ch, 1, 0);

			if (r <= 0)
				return -1;
			if (ch == 0x03) {
				if (pause_vm())
					return -1;
				st.last = (struct gdb_stop){ .kind = GDB_STOP_INTERRUPT,
							     .cpu = st.gcpu };
				stop_reply(&st.last);
				return 0;
			}
			/* anything else while running is ignored (acks) */
		}
	}
}

/* The client's breakpoints and watchpoints, removed when it goes. */
#define MAX_INSERTED 128
static struct { uint64_t type, addr, len; } inserted[MAX_INSERTED];
static unsigned ninserted;

static void note_break(uint64_t type, uint64_t addr, uint64_t len, bool insert)
{
	unsigned k;

	for (k = 0; k < ninserted; k++)
		if (inserted[k].type == type && inserted[k].addr == addr)
			break;
	if (insert && k == ninserted && ninserted < MAX_INSERTED) {
		inserted[ninserted].type = type;
		inserted[ninserted].addr = addr;
		inserted[ninserted++].len = len;
	} else if (!insert && k < ninserted) {
		inserted[k] = inserted[--ninserted];
	}
}

static void clear_breaks(void)
{
	while (ninserted) {
		ninserted--;
		st.ops->set_break(st.t, (enum gdb_bp_type)inserted[ninserted].type,
				  inserted[ninserted].addr, ~0ull, inserted[ninserted].len, false);
	}
}

/* Before closing: until the client hangs up (its ack would meet a closed socket and
 * gdb reports a broken pipe), 1 s at most. */
static void linger(void)
{
	size_t len;

	for (int k = 0; k < 10; k++) {
		int r = read_packet(&len, 100);

		if (r == 0)
			break;
		if (r == 1)
			send_packet(st.in[0] == 'k' || st.in[0] == 'D' ? "OK" : "");
	}
}

static void session(void)
{
	size_t len;

	st.gcpu = 0;
	if (!st.mon->paused(st.mt) && pause_vm())
		return;
	st.running = false;
	st.last = (struct gdb_stop){ .kind = GDB_STOP_INTERRUPT, .cpu = 0 };
	if (st.started) /* the first stop: before the first instruction */
		st.last.kind = GDB_STOP_BREAK;
	for (;;) {
		int r = read_packet(&len, POLL_MS);

		if (r == 3) {
			if (machine__stopping(st.m) || atomic_load(&st.quit))
				return;
			continue;
		}
		if (r == 0)
			break;
		if (r == 2)
			continue; /* Ctrl-C while stopped */
		r = handle(st.in, len);
		if (r == END) {
			linger();
			break;
		}
		if (r == RUN && wait_stop()) {
			if (machine__stopping(st.m) || atomic_load(&st.quit))
				return;
			break; /* the client went away while the VM ran */
		}
	}
	clear_breaks();
	if (!machine__stopping(st.m))
		resume();
	st.running = false;
}

static void *stub_thread(void *arg)
{
	(void)arg;
	while (!atomic_load(&st.quit) && !machine__stopping(st.m)) {
		struct pollfd pfd = { .fd = st.lfd, .events = POLLIN };
		int one = 1;

		if (poll(&pfd, 1, POLL_MS) <= 0)
			continue;
		st.cfd = accept(st.lfd, NULL, NULL);
		if (st.cfd < 0)
			continue;
		setsockopt(st.cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		session();
		if (machine__stopping(st.m) || atomic_load(&st.quit))
			break; /* gdb__stop says how the VM ended on this connection */
		close(st.cfd);
		st.cfd = -1;
		st.started = false;
	}
	return NULL;
}

static int listen_on(const char *spec, char *err, size_t errlen)
{
	int fd, one = 1;

	if (!strncmp(spec, "unix:", 5)) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		if (strlen(spec + 5) >= sizeof(sa.sun_path) || !spec[5]) {
			snprintf(err, errlen, "--gdb %s: bad socket path", spec);
			return -EINVAL;
		}
		strcpy(sa.sun_path, spec + 5);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
			int e = errno;

			snprintf(err, errlen, "--gdb %s: %s", spec, strerror(e));
			if (fd >= 0)
				close(fd);
			return -e;
		}
		st.unix_path = strdup(spec + 5);
	} else {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		char *end;
		unsigned long port = strtoul(spec, &end, 10);

		if (*end || !*spec || port == 0 || port > 65535) {
			snprintf(err, errlen, "--gdb %s: not a TCP port (1-65535) or unix:PATH", spec);
			return -EINVAL;
		}
		sa.sin_port = htons((uint16_t)port);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
			int e = errno;

			snprintf(err, errlen, "--gdb %s: %s", spec, strerror(e));
			if (fd >= 0)
				close(fd);
			return -e;
		}
	}
	st.lfd = fd;
	return 0;
}

int gdb__start(struct machine *m, char *err, size_t errlen)
{
	int rc;

	if (!m->cfg.gdb)
		return 0;
	if (!m->accel->monitor_ops) {
		snprintf(err, errlen, "--gdb: the %s engine has no gdb stub", m->accel->name);
		return -ENOSYS;
	}
	m->cfg.paused = true; /* the debugger starts the VM */
	st.m = m;
	st.mon = m->accel->monitor_ops(m, &st.mt);
#ifdef VMM_HAVE_MODEL
	if (!strcmp(m->accel->name, "model"))
		st.ops = model_gdb__ops(m, &st.t);
#endif
	if (!strcmp(m->accel->name, "kvm") && !(st.ops = kvm_gdb__ops(m, &st.t))) {
		snprintf(err, errlen, "--gdb: this host's KVM cannot debug guests "
			 "(no KVM_CAP_SET_GUEST_DEBUG)");
		return -ENOSYS;
	}
	if (!st.mon || !st.ops) {
		snprintf(err, errlen, "--gdb: the %s engine has no gdb stub", m->accel->name);
		return -ENOSYS;
	}
	pthread_mutex_init(&st.lock, NULL);
	st.evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (st.evfd < 0) {
		snprintf(err, errlen, "--gdb: eventfd: %s", strerror(errno));
		return -errno;
	}
	if ((rc = listen_on(m->cfg.gdb, err, errlen)))
		return rc;
	st.started = true;
	atomic_store(&st.quit, false);
	if ((rc = pthread_create(&st.thread, NULL, stub_thread, NULL))) {
		snprintf(err, errlen, "--gdb: cannot start its thread");
		return -rc;
	}
	return 0;
}

void gdb__stop(struct machine *m, int status)
{
	char b[16];

	(void)m;
	if (st.lfd < 0)
		return;
	atomic_store(&st.quit, true);
	pthread_join(st.thread, NULL);
	if (st.cfd >= 0) {
		snprintf(b, sizeof(b), "W%02x", status & 0xff);
		send_packet(b);
		linger();
		close(st.cfd);
		st.cfd = -1;
	}
	close(st.lfd);
	st.lfd = -1;
	if (st.unix_path) {
		unlink(st.unix_path);
		free(st.unix_path);
		st.unix_path = NULL;
	}
}
