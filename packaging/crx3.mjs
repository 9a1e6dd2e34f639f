// Packs an unpacked Chromium extension into a CRX3 file signed with an RSA key, the format
// Chromium installs from an update manifest (force-install policy), without needing a browser
// at build time. The key is the extension's private key (a release secret, DLP_EXTENSION_KEY);
// the extension id is derived from its public half.
//
//   node crx3.mjs --dir DIR --key KEY.pem --out FILE.crx     pack DIR (zip via the `zip` tool)
//   node crx3.mjs --id-of FILE.crx                            print the id a CRX carries
//
// CRX3: "Cr24", uint32le 3, uint32le header length, CrxFileHeader (protobuf), the zip. The
// header holds the RSA public key and the signature over
// "CRX3 SignedData\0" + uint32le(len(signed_header_data)) + signed_header_data + zip,
// where signed_header_data is SignedData { crx_id = first 16 bytes of sha256(public key) }.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

function varint(n) {
  const out = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
  return Buffer.from(out);
}
function field(num, bytes) {  // length-delimited field
  return Buffer.concat([varint(num * 8 + 2), varint(bytes.length), bytes]);
}
function readVarint(buf, pos) {
  let n = 0, mul = 1;
  for (;;) {
    const b = buf[pos++];
    n += (b & 0x7f) * mul;
    if (!(b & 0x80)) return [n, pos];
    mul *= 128;
  }
}
function fields(buf) {  // length-delimited fields only (all CRX3 header fields are)
  const out = [];
  for (let pos = 0; pos < buf.length;) {
    let tag, len;
    [tag, pos] = readVarint(buf, pos);
    if ((tag & 7) !== 2) throw new Error('unexpected protobuf wire type');
    [len, pos] = readVarint(buf, pos);
    out.push([Math.floor(tag / 8), buf.subarray(pos, pos + len)]);
    pos += len;
  }
  return out;
}
export function idOf(crxId16) {
  return [...crxId16.toString('hex')].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

function pack(dir, keyFile, out) {
  const key = crypto.createPrivateKey(fs.readFileSync(keyFile));
  const pub = crypto.createPublicKey(key).export({ type: 'spki', format: 'der' });
  const crxId = crypto.createHash('sha256').update(pub).digest().subarray(0, 16);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crx3-'));
  const zipFile = path.join(tmp, 'ext.zip');
  const files = execFileSync('find', ['.', '-type', 'f'], { cwd: dir, encoding: 'utf8' })
    .split('\n').filter(Boolean).sort();
  execFileSync('zip', ['-q', '-X', '-D', zipFile, ...files], { cwd: dir });
  const zip = fs.readFileSync(zipFile);
  fs.rmSync(tmp, { recursive: true, force: true });
  const signedData = field(1, crxId);
  const len = Buffer.alloc(4); len.writeUInt32LE(signedData.length);
  const signer = crypto.createSign('sha256');
  signer.update(Buffer.concat([Buffer.from('CRX3 SignedData\0', 'latin1'), len, signedData, zip]));
  const signature = signer.sign(key);
  const header = Buffer.concat([field(2, Buffer.concat([field(1, pub), field(2, signature)])),
    field(10000, signedData)]);
  const prefix = Buffer.alloc(12);
  prefix.write('Cr24', 0, 'latin1'); prefix.writeUInt32LE(3, 4); prefix.writeUInt32LE(header.length, 8);
  fs.writeFileSync(out, Buffer.concat([prefix, header, zip]));
  console.error(`crx3: ${out} (id ${idOf(crxId)})`);
}

function readId(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 4) !== 'Cr24' || buf.readUInt32LE(4) !== 3) throw new Error(`${file}: not a CRX3 file`);
  const header = buf.subarray(12, 12 + buf.readUInt32LE(8));
  for (const [num, value] of fields(header))
    if (num === 10000) for (const [n, v] of fields(value)) if (n === 1) return idOf(v);
  throw new Error(`${file}: no crx_id in the header`);
}

const argv = process.argv.slice(2);
const opt = {};
for (let i = 0; i < argv.length; i += 2) opt[argv[i].replace(/^--/, '')] = argv[i + 1];
if (opt['id-of']) console.log(readId(opt['id-of']));
else if (opt.dir && opt.key && opt.out) pack(opt.dir, opt.key, opt.out);
else { console.error('usage: crx3.mjs --dir DIR --key KEY.pem --out FILE.crx | --id-of FILE.crx'); process.exit(2); }
