// Synthetic test data only (the sample document is the repository's own fictional report).
import fs from 'node:fs';
import path from 'node:path';
import { SOURCE_DIR } from './service.mjs';

export const SECRET_DOC = fs.readFileSync(path.join(SOURCE_DIR, 'docs', 'samples', 'bao-cao-mat.txt'), 'utf8');
export const SECRET_DOC_ID = '001085012345';          // the CCCD in the sample document
export const SECRET_MARK = 'TỐI MẬT';

// Valid by structure: province code (001 Hà Nội, 079 TP.HCM, 038 Thanh Hóa), century/sex digit,
// two-digit birth year, six digits. Checked against the running service in each file's `before`.
export const CCCD_LIST_IDS = ['001085012345', '079190123456', '001201234567', '038095765432'];
export const CCCD_LIST = 'Danh sách cán bộ cần cập nhật:\n' +
  CCCD_LIST_IDS.map((id, i) => `${i + 1}. Cán bộ số ${i + 1}, CCCD ${id}`).join('\n') + '\n';

export const CLEAN = 'Hôm nay trời đẹp, cuộc họp giao ban lúc 9 giờ sáng.';
export const PHONE = 'Liên hệ: 0912 345 678';
export const PHONE_REDACTED = 'Liên hệ: [SĐT]';
export const PHONE_RAW_DIGITS = ['0912 345 678', '0912345678'];
export const TYPED_ID = 'Số CCCD của tôi là 001085012345 nhé';
export const REASON = 'Gửi số tổng đài công khai của cơ quan';

export const FILE_WITH_ID = { name: 'ho-so-can-bo.txt', mimeType: 'text/plain',
  text: 'Hồ sơ cán bộ\nHọ tên: Nguyễn Văn An\nSố CCCD: 001085012345\n' };
export const FILE_CLEAN = { name: 'lich-hop.txt', mimeType: 'text/plain',
  text: 'Lịch họp tuần: thứ Hai giao ban lúc 9 giờ sáng, thứ Sáu tổng kết.\n' };
