import type { ImageBlock } from "../../contracts/anthropic.ts";
import { RequestError } from "../../util/errors.ts";
import { isIndexable } from "../../util/is-record.ts";

const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s;

/** image_url → Anthropic image: a base64 data URL becomes a base64 source, http(s) a url source. */
export function imageBlock(imageUrl: unknown, where: string): ImageBlock {
  const url = typeof imageUrl === "string" ? imageUrl : isIndexable(imageUrl) ? imageUrl.url : undefined;
  if (typeof url !== "string" || url === "")
    throw new RequestError(`${where}: image_url.url must be a non-empty string`);
  const data = DATA_URL.exec(url);
  if (data) {
    if (!data[2]!.split(";").includes("base64"))
      throw new RequestError(`${where}: image data URLs must be base64-encoded`);
    return { type: "image", source: { type: "base64", media_type: data[1]!, data: data[3]! } };
  }
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  throw new RequestError(`${where}: image_url.url must be a data: URL or an http(s) URL`);
}
