/**
 * `runtime/source`: where controllers' events come from — a kind's shared informer, or a channel of generic events.
 */
export type { Source, SyncingSource, KindType, InformerCache, KindSourceOptions, ChannelSourceOptions } from "./source.js";
export { isSource, isSyncingSource, toGVK, kindString, KindSource, kind, GenericEventChannel, ChannelSource, channel } from "./source.js";
