/**
 * Service ClusterIP and NodePort allocation (pkg/registry/core/service/ipallocator and portallocator): IPv4
 * addresses from the service CIDR (default 10.96.0.0/12) and ports from the node-port range (default
 * 30000-32767). Each allocation is owned by a Service uid, so re-asserting a Service's own values is a no-op and
 * `repair` can rebuild the tables from the stored Services (upstream's repair loops).
 */

/** An allocation failure, with upstream's wording (the caller places it on the right field). */
export class AllocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AllocationError";
  }
}

export interface ServiceAllocatorOptions {
  /** IPv4 service CIDR (default "10.96.0.0/12"). */
  serviceCIDR?: string;
  /** Inclusive node-port range (default [30000, 32767]). */
  nodePortRange?: readonly [number, number];
  /** Random source in [0, 1) (default Math.random); tests pass a deterministic one. */
  random?: () => number;
}

function ipToNumber(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

function numberToIP(n: number): string {
  return [Math.floor(n / 16777216) % 256, Math.floor(n / 65536) % 256, Math.floor(n / 256) % 256, n % 256].join(".");
}

/** Allocates ClusterIPs and NodePorts for Services. */
export class ServiceAllocator {
  readonly serviceCIDR: string;
  readonly nodePortRange: readonly [number, number];
  private readonly base: number;
  private readonly size: number;
  private readonly random: () => number;
  private readonly ips = new Map<number, string>();
  private readonly ports = new Map<string, string>();

  constructor(opts: ServiceAllocatorOptions = {}) {
    this.serviceCIDR = opts.serviceCIDR ?? "10.96.0.0/12";
    this.nodePortRange = opts.nodePortRange ?? [30000, 32767];
    this.random = opts.random ?? Math.random;
    const [ip, bitsStr] = this.serviceCIDR.split("/");
    const bits = Number(bitsStr);
    const base = ipToNumber(ip ?? "");
    if (base === undefined || !Number.isInteger(bits) || bits < 1 || bits > 30) throw new Error(`invalid service CIDR ${this.serviceCIDR}`);
    const size = 2 ** (32 - bits);
    this.base = base - (base % size);
    this.size = size;
  }

  /** The service IP of the `kubernetes` Service: the first address of the range. */
  get firstIP(): string {
    return numberToIP(this.base + 1);
  }

  private offsetOf(ip: string): number | undefined {
    const n = ipToNumber(ip);
    if (n === undefined) return undefined;
    const off = n - this.base;
    // the network and broadcast addresses are never handed out
    return off >= 1 && off < this.size - 1 ? off : undefined;
  }

  /**
   * Allocates `requested` (or a free address when undefined) for the Service `owner` (its uid). Returns the IP.
   * Asking again for an address the same owner holds succeeds.
   */
  allocateIP(owner: string, requested?: string): string {
    if (requested !== undefined && requested !== "") {
      const off = this.offsetOf(requested);
      if (off === undefined) {
        throw new AllocationError(`failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.serviceCIDR}`);
      }
      const holder = this.ips.get(off);
      if (holder !== undefined && holder !== owner) throw new AllocationError(`failed to allocate IP ${requested}: provided IP is already allocated`);
      this.ips.set(off, owner);
      return requested;
    }
    const usable = this.size - 2;
    if (this.ips.size >= usable) throw new AllocationError("failed to allocate a serviceIP: range is full");
    // dynamic allocations prefer the upper band, leaving the lower band for static (user-chosen) addresses
    const staticBand = Math.min(Math.max(16, Math.floor(usable / 16)), 256);
    const tryBand = (lo: number, hi: number): number | undefined => {
      const span = hi - lo + 1;
      if (span <= 0) return undefined;
      const start = Math.floor(this.random() * span);
      for (let i = 0; i < span; i++) {
        const off = lo + ((start + i) % span);
        if (!this.ips.has(off)) return off;
      }
      return undefined;
    };
    const off = tryBand(staticBand + 1, usable) ?? tryBand(1, Math.min(staticBand, usable));
    if (off === undefined) throw new AllocationError("failed to allocate a serviceIP: range is full");
    this.ips.set(off, owner);
    return numberToIP(this.base + off);
  }

  /** Releases an address (only when `owner` holds it, if given). */
  releaseIP(ip: string, owner?: string): void {
    const off = this.offsetOf(ip);
    if (off === undefined) return;
    if (owner === undefined || this.ips.get(off) === owner) this.ips.delete(off);
  }

  // node ports are one pool whatever the protocol (a Service may reuse its own port for TCP and UDP)
  private portKey(port: number, _protocol: string): string {
    return String(port);
  }

  /** Allocates node port `requested` (or a free one) for `protocol`; returns the port. */
  allocatePort(owner: string, protocol: string, requested?: number): number {
    const [lo, hi] = this.nodePortRange;
    if (requested !== undefined && requested !== 0) {
      if (requested < lo || requested > hi) {
        throw new AllocationError(`provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`);
      }
      const key = this.portKey(requested, protocol);
      const holder = this.ports.get(key);
      if (holder !== undefined && holder !== owner) throw new AllocationError("provided port is already allocated");
      this.ports.set(key, owner);
      return requested;
    }
    const span = hi - lo + 1;
    const start = Math.floor(this.random() * span);
    for (let i = 0; i < span; i++) {
      const port = lo + ((start + i) % span);
      const key = this.portKey(port, protocol);
      if (!this.ports.has(key)) {
        this.ports.set(key, owner);
        return port;
      }
    }
    throw new AllocationError("range is full");
  }

  /** Releases a node port (only when `owner` holds it, if given). */
  releasePort(port: number, protocol: string, owner?: string): void {
    const key = this.portKey(port, protocol);
    if (owner === undefined || this.ports.get(key) === owner) this.ports.delete(key);
  }

  /** Whether the address is allocated. */
  hasIP(ip: string): boolean {
    const off = this.offsetOf(ip);
    return off !== undefined && this.ips.has(off);
  }

  /** Whether the node port is allocated. */
  hasPort(port: number, protocol = "TCP"): boolean {
    return this.ports.has(this.portKey(port, protocol));
  }

  /** Forgets every allocation (before `repair`). */
  clear(): void {
    this.ips.clear();
    this.ports.clear();
  }
}
