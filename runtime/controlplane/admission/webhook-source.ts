/**
 * The webhook configurations admission consults, kept current by watching their storage: a configuration
 * created or changed is in effect for the next request (the memory storage delivers watch events before a write
 * returns). Configurations are ordered by name, as upstream's configuration managers sort them.
 */
import type { Storage, Watch } from "../../storage/interface.js";
import { asWebhookConfiguration, type WebhookConfiguration } from "../builtin/admissionregistration/types.js";

export class WebhookConfigurationSource {
  private readonly configs = new Map<string, WebhookConfiguration>();
  private sorted: WebhookConfiguration[] | undefined;
  private watching: Promise<Watch> | undefined;

  constructor(private readonly storage: Storage) {}

  /** The current configurations, sorted by name (starts the watch on first use). */
  async list(): Promise<readonly WebhookConfiguration[]> {
    if (!this.watching) {
      this.watching = this.start();
      this.watching.catch(() => (this.watching = undefined));
    }
    await this.watching;
    this.sorted ??= [...this.configs.values()].sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
    return this.sorted;
  }

  private start(): Promise<Watch> {
    this.configs.clear();
    this.sorted = undefined;
    return this.storage.watch(
      {},
      {
        event: (ev) => {
          const name = ev.object.metadata.name ?? "";
          if (ev.type === "ADDED" || ev.type === "MODIFIED") this.configs.set(name, asWebhookConfiguration(ev.object));
          else if (ev.type === "DELETED") this.configs.delete(name);
          else return;
          this.sorted = undefined;
        },
        // the next request starts a fresh watch (and so sees the current state)
        close: () => (this.watching = undefined),
      },
    );
  }

  /** Stops watching (the control plane's shutdown). */
  stop(): void {
    const w = this.watching;
    this.watching = undefined;
    void w?.then((x) => x.stop()).catch(() => undefined);
  }
}
