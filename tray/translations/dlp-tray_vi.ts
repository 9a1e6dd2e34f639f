<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN" sourcelanguage="en">
<context>
    <name>StateTexts</name>
    <message>
        <location filename="../core/tray_state.cc" line="46" />
        <source>Protected</source>
        <translation>Đang được bảo vệ</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="47" />
        <source>A warning waits for your answer</source>
        <translation>Có cảnh báo đang chờ bạn trả lời</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="48" />
        <source>Protection unavailable: the agent service is not running</source>
        <translation>Chưa được bảo vệ: dịch vụ tác tử không chạy</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="49" />
        <source>Protection unavailable: the browser extension is missing</source>
        <translation>Chưa được bảo vệ: thiếu tiện ích trình duyệt</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="55" />
        <source>Leak-prevention agent</source>
        <translation>Tác tử chống lộ lọt dữ liệu</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="57" />
        <source>Browser running without the extension: %1</source>
        <translation>Trình duyệt đang chạy mà không có tiện ích: %1</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="58" />
        <source>Rules: %1</source>
        <translation>Bộ quy tắc: %1</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <location filename="../core/texts.cc" line="33" />
        <source>Blocked</source>
        <translation>Đã chặn</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="34" />
        <source>Warning</source>
        <translation>Cảnh báo</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="35" />
        <source>Allowed</source>
        <translation>Cho phép</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="40" />
        <source>Clipboard</source>
        <translation>Bộ nhớ tạm</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="41" />
        <source>Paste</source>
        <translation>Dán</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="42" />
        <source>Drag and drop</source>
        <translation>Kéo thả</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="43" />
        <source>Send</source>
        <translation>Gửi</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="44" />
        <source>File upload</source>
        <translation>Tải tệp lên</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="45" />
        <source>File</source>
        <translation>Tệp</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="50" />
        <source>No answer yet</source>
        <translation>Chưa trả lời</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="51" />
        <source>Cancelled</source>
        <translation>Đã hủy</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="52" />
        <source>Continued with a reason</source>
        <translation>Đã tiếp tục (có lý do)</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="53" />
        <source>Reported as a false alarm</source>
        <translation>Đã báo cảnh báo nhầm</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="58" />
        <source>Public AI</source>
        <translation>AI công cộng</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="59" />
        <source>Approved AI</source>
        <translation>AI được phép</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="60" />
        <source>Other destinations</source>
        <translation>Nơi nhận khác</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="63" />
        <source>%1 (desktop app)</source>
        <translation>%1 (ứng dụng máy tính)</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="86" />
        <source>Blocked: content for %1</source>
        <translation>Đã chặn nội dung gửi tới %1</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="89" />
        <source>Warning: content for %1</source>
        <translation>Cảnh báo nội dung gửi tới %1</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="92" />
        <source>Contains: %1</source>
        <translation>Phát hiện: %1</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="92" />
        <source>Channel: %1</source>
        <translation>Kênh: %1</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="93" />
        <source>Excerpt (masked): %1</source>
        <translation>Trích đoạn (đã che): %1</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="94" />
        <source>Click to see the details.</source>
        <translation>Bấm vào đây để xem chi tiết.</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="102" />
        <source>Sensitive content copied</source>
        <translation>Bạn vừa sao chép nội dung nhạy cảm</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="105" />
        <source>The copied text contains %1. Pasting it into a public AI will be blocked.</source>
        <translation>Nội dung vừa sao chép có %1. Nếu dán vào AI công cộng, thao tác sẽ bị chặn.</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="107" />
        <source>The copied text contains %1. Pasting it into a public AI will ask for a reason first.</source>
        <translation>Nội dung vừa sao chép có %1. Nếu dán vào AI công cộng, bạn sẽ phải nêu lý do trước.</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="115" />
        <source>[Protected by the leak-prevention agent: the copied content is sensitive and must not be pasted into %1. It comes back when you leave this application.]</source>
        <translation>[Tác tử chống lộ lọt đã giữ lại nội dung: nội dung vừa sao chép là thông tin nhạy cảm, không được dán vào %1. Nội dung sẽ trở lại khi bạn rời ứng dụng này.]</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="121" />
        <source>[The leak-prevention agent cannot be reached, so pasting into %1 is held back. The copied content comes back when you leave this application.]</source>
        <translation>[Không kết nối được tác tử chống lộ lọt nên tạm giữ lại nội dung, không dán vào %1. Nội dung sẽ trở lại khi bạn rời ứng dụng này.]</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="140" />
        <source>Incident</source>
        <translation>Sự cố</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="141" />
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="142" />
        <source>Channel</source>
        <translation>Kênh</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="143" />
        <source>Destination</source>
        <translation>Nơi nhận</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="144" />
        <source>Action</source>
        <translation>Xử lý</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="145" />
        <source>Findings</source>
        <translation>Số phát hiện</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="146" />
        <source>Excerpt (masked)</source>
        <translation>Trích đoạn (đã che)</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="147" />
        <source>Decision</source>
        <translation>Quyết định</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="148" />
        <source>Reason given</source>
        <translation>Lý do đã nêu</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="150" />
        <source>Rules</source>
        <translation>Quy tắc</translation>
    </message>
</context>
<context>
    <name>dlp::tray::DecisionDialog</name>
    <message>
        <location filename="../app/decision_dialog.cc" line="17" />
        <source>Leak-prevention agent: warning</source>
        <translation>Tác tử chống lộ lọt: cảnh báo</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="20" />
        <source>&lt;b&gt;Paste into %1 is on hold&lt;/b&gt;</source>
        <translation>&lt;b&gt;Tạm dừng việc dán vào %1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="32" />
        <source>Found (masked):</source>
        <translation>Đã phát hiện (đã che):</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="33" />
        <source>To continue, give the reason (it is recorded for the security officer):</source>
        <translation>Để tiếp tục, hãy nêu lý do (lý do được ghi lại cho cán bộ bảo mật):</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="34" />
        <source>Reason (optional):</source>
        <translation>Lý do (không bắt buộc):</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="42" />
        <source>Continue and paste</source>
        <translation>Tiếp tục dán</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="44" />
        <source>Cancel the paste</source>
        <translation>Hủy dán</translation>
    </message>
</context>
<context>
    <name>dlp::tray::HistoryWindow</name>
    <message>
        <location filename="../app/history_window.cc" line="34" />
        <source>Leak-prevention agent: my incidents</source>
        <translation>Tác tử chống lộ lọt: lịch sử cảnh báo của tôi</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="39" />
        <source>Search: destination, rule, excerpt...</source>
        <translation>Tìm: nơi nhận, quy tắc, trích đoạn...</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="42" />
        <source>All actions</source>
        <translation>Mọi cách xử lý</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="46" />
        <source>Refresh</source>
        <translation>Làm mới</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="71" />
        <source>Report a false alarm...</source>
        <translation>Báo cảnh báo nhầm...</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="103" />
        <source>The agent service cannot be reached; the list may be out of date.</source>
        <translation>Không kết nối được dịch vụ tác tử; danh sách có thể chưa cập nhật.</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/history_window.cc" line="144" />
        <source>%n incident(s)</source>
        <translation><numerusform>%n sự cố</numerusform></translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="156" />
        <source>Select an incident to see its details.</source>
        <translation>Chọn một sự cố để xem chi tiết.</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="170" />
        <location filename="../app/history_window.cc" line="177" />
        <source>Report a false alarm</source>
        <translation>Báo cảnh báo nhầm</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="171" />
        <source>Why is this not sensitive? Your report goes to the security officer.</source>
        <translation>Vì sao nội dung này không nhạy cảm? Báo cáo của bạn được gửi tới cán bộ bảo mật.</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="178" />
        <source>The report was not recorded: %1</source>
        <translation>Chưa ghi nhận được báo cáo: %1</translation>
    </message>
</context>
<context>
    <name>dlp::tray::IncidentModel</name>
    <message>
        <location filename="../core/incident_model.cc" line="91" />
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <location filename="../core/incident_model.cc" line="92" />
        <source>Channel</source>
        <translation>Kênh</translation>
    </message>
    <message>
        <location filename="../core/incident_model.cc" line="93" />
        <source>Destination</source>
        <translation>Nơi nhận</translation>
    </message>
    <message>
        <location filename="../core/incident_model.cc" line="94" />
        <source>Action</source>
        <translation>Xử lý</translation>
    </message>
    <message>
        <location filename="../core/incident_model.cc" line="95" />
        <source>Rules</source>
        <translation>Quy tắc</translation>
    </message>
    <message>
        <location filename="../core/incident_model.cc" line="96" />
        <source>Decision</source>
        <translation>Quyết định</translation>
    </message>
</context>
<context>
    <name>dlp::tray::TrayApp</name>
    <message>
        <location filename="../app/tray_app.cc" line="117" />
        <source>Rules: unknown</source>
        <translation>Bộ quy tắc: chưa rõ</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="118" />
        <source>Rules: %1</source>
        <translation>Bộ quy tắc: %1</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="121" />
        <source>My incidents (history)...</source>
        <translation>Lịch sử cảnh báo của tôi...</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="122" />
        <source>Status...</source>
        <translation>Trạng thái...</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="123" />
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="134" />
        <source>About...</source>
        <translation>Giới thiệu...</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="183" />
        <source>Agent version</source>
        <translation>Phiên bản tác tử</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="184" />
        <source>Mode</source>
        <translation>Chế độ</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="185" />
        <source>Rules</source>
        <translation>Quy tắc</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="186" />
        <source>Rules loaded at</source>
        <translation>Nạp quy tắc lúc</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="187" />
        <source>Health</source>
        <translation>Tình trạng</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="188" />
        <source>When the agent is down</source>
        <translation>Khi tác tử ngừng hoạt động</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="189" />
        <source>Browser extension</source>
        <translation>Tiện ích trình duyệt</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="189" />
        <source>unknown (the agent does not report it)</source>
        <translation>chưa rõ (tác tử không báo)</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="190" />
        <source>connected</source>
        <translation>đã kết nối</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="190" />
        <source>not connected</source>
        <translation>chưa kết nối</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="192" />
        <source>Browsers running</source>
        <translation>Trình duyệt đang chạy</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="192" />
        <source>none</source>
        <translation>không có</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="193" />
        <source>Guarded desktop applications</source>
        <translation>Ứng dụng máy tính được bảo vệ</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="195" />
        <source>Leak-prevention agent: status</source>
        <translation>Tác tử chống lộ lọt: trạng thái</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="203" />
        <source>About</source>
        <translation>Giới thiệu</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="204" />
        <source>&lt;p&gt;&lt;b&gt;Leak-prevention agent %1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Checks what you copy and paste towards public AI platforms and stops state secrets and personal data from leaving. Every decision is made by the agent service on this computer; nothing is sent anywhere else.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Tác tử chống lộ lọt dữ liệu %1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Kiểm tra nội dung bạn sao chép và dán vào các nền tảng AI công cộng, ngăn bí mật nhà nước và dữ liệu cá nhân bị lộ ra ngoài. Mọi quyết định do dịch vụ tác tử trên máy tính này đưa ra; không có gì được gửi đi nơi khác.&lt;/p&gt;</translation>
    </message>
</context>
</TS>