// A minimal ZIP writer (deflate, no ZIP64): enough for one executable per archive, without a zip binary.
import { deflateRawSync } from "node:zlib";

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** Unix permission bits, kept in the external attributes (unzip restores them). */
  mode?: number;
  mtime?: Date;
}

function dosDateTime(date: Date): { time: number; day: number } {
  const year = Math.max(date.getFullYear(), 1980);
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    day: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

interface Packed {
  entry: ZipEntry;
  name: Buffer;
  crc: number;
  body: Buffer;
  offset: number;
  stamp: { time: number; day: number };
}

/** The fields both headers share, from "version needed" to the name length, written at `at`. */
function writeEntryFields(h: Buffer, at: number, p: Packed): void {
  h.writeUInt16LE(20, at);
  h.writeUInt16LE(0x0800, at + 2);
  h.writeUInt16LE(8, at + 4);
  h.writeUInt16LE(p.stamp.time, at + 6);
  h.writeUInt16LE(p.stamp.day, at + 8);
  h.writeUInt32LE(p.crc, at + 10);
  h.writeUInt32LE(p.body.length, at + 14);
  h.writeUInt32LE(p.entry.data.length, at + 18);
  h.writeUInt16LE(p.name.length, at + 22);
}

function localHeader(p: Packed): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  writeEntryFields(h, 4, p);
  return Buffer.concat([h, p.name]);
}

function centralHeader(p: Packed): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE((3 << 8) | 20, 4);
  writeEntryFields(h, 6, p);
  h.writeUInt32LE(((0o100000 | (p.entry.mode ?? 0o644)) << 16) >>> 0, 38);
  h.writeUInt32LE(p.offset, 42);
  return Buffer.concat([h, p.name]);
}

export function zip(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const packed: Packed[] = [];
  let offset = 0;
  for (const entry of entries) {
    const p: Packed = {
      entry,
      name: Buffer.from(entry.name, "utf8"),
      crc: Bun.hash.crc32(entry.data),
      body: deflateRawSync(entry.data, { level: 9 }),
      offset,
      stamp: dosDateTime(entry.mtime ?? new Date()),
    };
    const local = localHeader(p);
    parts.push(local, p.body);
    offset += local.length + p.body.length;
    packed.push(p);
  }
  const central = Buffer.concat(packed.map(centralHeader));
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(packed.length, 8);
  end.writeUInt16LE(packed.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, central, end]);
}
