// The BERT WordPiece tokenizer as a Hugging Face `tokenizer.json` defines it (the file that ships
// with all-MiniLM-L6-v2): BertNormalizer (clean text, CJK characters spaced out, accents stripped
// when lowercasing, lowercase), BertPreTokenizer (split on whitespace, punctuation isolated),
// WordPiece (greedy longest match first, '##' continuation, [UNK] for a word that does not
// split or is longer than max_input_chars_per_word), then [CLS] ... [SEP].
// No npm tokenizer runs offline from CommonJS on Node 20 without native or ESM-only parts, so
// this follows the tokenizers library's definitions (normalizers/bert.rs, pre_tokenizers/bert.rs,
// models/wordpiece); tests compare ids with the reference tokenizer on real captions.
import * as fs from 'fs';

interface TokenizerJson {
  normalizer?: { type: string; clean_text?: boolean; handle_chinese_chars?: boolean; strip_accents?: boolean | null; lowercase?: boolean };
  pre_tokenizer?: { type: string };
  model: { type: string; unk_token: string; continuing_subword_prefix: string; max_input_chars_per_word: number; vocab: Record<string, number> };
}

export interface Encoding {
  ids: number[];
  tokens: string[];
}

const CJK: [number, number][] = [
  [0x4e00, 0x9fff], [0x3400, 0x4dbf], [0x20000, 0x2a6df], [0x2a700, 0x2b73f],
  [0x2b740, 0x2b81f], [0x2b820, 0x2ceaf], [0xf900, 0xfaff], [0x2f800, 0x2fa1f],
];
const isCjk = (cp: number) => CJK.some(([a, b]) => cp >= a && cp <= b);
const WHITESPACE = /[\t\n\r]|\p{White_Space}/u;
// Rust's char::is_other: general category C (Cc, Cf, Cs, Co, Cn); tab/newline/CR are whitespace, not control.
const CONTROL = /\p{C}/u;
const PUNCT = /[!-/:-@[-`{-~]|\p{P}/u;
const MARK = /\p{Mn}/u;

export class WordPieceTokenizer {
  private readonly vocab: Map<string, number>;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId = 0;

  constructor(private readonly spec: TokenizerJson, private readonly file = '<tokenizer.json>') {
    if (spec.model?.type !== 'WordPiece') throw new Error(`${file}: model.type is ${JSON.stringify(spec.model?.type)}, expected "WordPiece"`);
    if (spec.normalizer && spec.normalizer.type !== 'BertNormalizer') throw new Error(`${file}: normalizer.type ${JSON.stringify(spec.normalizer.type)} is not supported (BertNormalizer)`);
    if (spec.pre_tokenizer && spec.pre_tokenizer.type !== 'BertPreTokenizer') throw new Error(`${file}: pre_tokenizer.type ${JSON.stringify(spec.pre_tokenizer.type)} is not supported (BertPreTokenizer)`);
    this.vocab = new Map(Object.entries(spec.model.vocab));
    this.clsId = this.idOf('[CLS]');
    this.sepId = this.idOf('[SEP]');
  }

  static fromFile(file: string): WordPieceTokenizer {
    let spec: TokenizerJson;
    try {
      spec = JSON.parse(fs.readFileSync(file, 'utf8')) as TokenizerJson;
    } catch (err) {
      throw new Error(`${file}: cannot read the tokenizer (${err instanceof Error ? err.message : String(err)})`);
    }
    return new WordPieceTokenizer(spec, file);
  }

  private idOf(token: string): number {
    const id = this.vocab.get(token);
    if (id === undefined) throw new Error(`${this.file}: the vocabulary has no ${token}`);
    return id;
  }

  normalize(text: string): string {
    const n = this.spec.normalizer;
    if (!n) return text;
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (n.clean_text !== false) {
        if (cp === 0 || cp === 0xfffd || (CONTROL.test(ch) && !/[\t\n\r]/.test(ch))) continue;
        if (WHITESPACE.test(ch)) {
          out += ' ';
          continue;
        }
      }
      out += n.handle_chinese_chars !== false && isCjk(cp) ? ` ${ch} ` : ch;
    }
    const lowercase = n.lowercase !== false;
    if (n.strip_accents ?? lowercase) out = [...out.normalize('NFD')].filter((c) => !MARK.test(c)).join('');
    if (lowercase) out = out.toLowerCase();
    return out;
  }

  /** Whitespace-separated pieces with every punctuation character on its own. */
  preTokenize(text: string): string[] {
    const words: string[] = [];
    let cur = '';
    for (const ch of text) {
      if (WHITESPACE.test(ch)) {
        if (cur) words.push(cur);
        cur = '';
      } else if (PUNCT.test(ch)) {
        if (cur) words.push(cur);
        words.push(ch);
        cur = '';
      } else cur += ch;
    }
    if (cur) words.push(cur);
    return words;
  }

  wordPiece(word: string): string[] {
    const m = this.spec.model;
    const chars = [...word];
    if (chars.length > m.max_input_chars_per_word) return [m.unk_token];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | undefined;
      while (start < end) {
        const sub = (start > 0 ? m.continuing_subword_prefix : '') + chars.slice(start, end).join('');
        if (this.vocab.has(sub)) {
          found = sub;
          break;
        }
        end--;
      }
      if (!found) return [m.unk_token];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }

  /** [CLS] tokens [SEP], truncated to `maxLength` tokens in all (the special tokens kept). */
  encode(text: string, maxLength = 256): Encoding {
    const tokens = this.preTokenize(this.normalize(text)).flatMap((w) => this.wordPiece(w)).slice(0, Math.max(0, maxLength - 2));
    const all = ['[CLS]', ...tokens, '[SEP]'];
    return { tokens: all, ids: all.map((t) => this.idOf(t)) };
  }
}
