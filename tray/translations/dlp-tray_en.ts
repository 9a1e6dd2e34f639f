<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en">
<context>
    <name>StateTexts</name>
    <message>
        <location filename="../core/tray_state.cc" line="46" />
        <source>Protected</source>
        <translation>Protected</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="47" />
        <source>A warning waits for your answer</source>
        <translation>A warning waits for your answer</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="48" />
        <source>Protection unavailable: the agent service is not running</source>
        <translation>Protection unavailable: the agent service is not running</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="49" />
        <source>Protection unavailable: the browser extension is missing</source>
        <translation>Protection unavailable: the browser extension is missing</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="55" />
        <source>Leak-prevention agent</source>
        <translation>Leak-prevention agent</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="57" />
        <source>Browser running without the extension: %1</source>
        <translation>Browser running without the extension: %1</translation>
    </message>
    <message>
        <location filename="../core/tray_state.cc" line="58" />
        <source>Rules: %1</source>
        <translation>Rules: %1</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <location filename="../core/texts.cc" line="33" />
        <source>Blocked</source>
        <translation>Blocked</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="34" />
        <source>Warning</source>
        <translation>Warning</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="35" />
        <source>Allowed</source>
        <translation>Allowed</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="40" />
        <source>Clipboard</source>
        <translation>Clipboard</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="41" />
        <source>Paste</source>
        <translation>Paste</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="42" />
        <source>Drag and drop</source>
        <translation>Drag and drop</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="43" />
        <source>Send</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="44" />
        <source>File upload</source>
        <translation>File upload</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="45" />
        <source>File</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="50" />
        <source>No answer yet</source>
        <translation>No answer yet</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="51" />
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="52" />
        <source>Continued with a reason</source>
        <translation>Continued with a reason</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="53" />
        <source>Reported as a false alarm</source>
        <translation>Reported as a false alarm</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="58" />
        <source>Public AI</source>
        <translation>Public AI</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="59" />
        <source>Approved AI</source>
        <translation>Approved AI</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="60" />
        <source>Other destinations</source>
        <translation>Other destinations</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="63" />
        <source>%1 (desktop app)</source>
        <translation>%1 (desktop app)</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="86" />
        <source>Blocked: content for %1</source>
        <translation>Blocked: content for %1</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="89" />
        <source>Warning: content for %1</source>
        <translation>Warning: content for %1</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="92" />
        <source>Contains: %1</source>
        <translation>Contains: %1</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="92" />
        <source>Channel: %1</source>
        <translation>Channel: %1</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="93" />
        <source>Excerpt (masked): %1</source>
        <translation>Excerpt (masked): %1</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="94" />
        <source>Click to see the details.</source>
        <translation>Click to see the details.</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="102" />
        <source>Sensitive content copied</source>
        <translation>Sensitive content copied</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="105" />
        <source>The copied text contains %1. Pasting it into a public AI will be blocked.</source>
        <translation>The copied text contains %1. Pasting it into a public AI will be blocked.</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="107" />
        <source>The copied text contains %1. Pasting it into a public AI will ask for a reason first.</source>
        <translation>The copied text contains %1. Pasting it into a public AI will ask for a reason first.</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="115" />
        <source>[Protected by the leak-prevention agent: the copied content is sensitive and must not be pasted into %1. It comes back when you leave this application.]</source>
        <translation>[Protected by the leak-prevention agent: the copied content is sensitive and must not be pasted into %1. It comes back when you leave this application.]</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="121" />
        <source>[The leak-prevention agent cannot be reached, so pasting into %1 is held back. The copied content comes back when you leave this application.]</source>
        <translation>[The leak-prevention agent cannot be reached, so pasting into %1 is held back. The copied content comes back when you leave this application.]</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="140" />
        <source>Incident</source>
        <translation>Incident</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="141" />
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="142" />
        <source>Channel</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="143" />
        <source>Destination</source>
        <translation>Destination</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="144" />
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="145" />
        <source>Findings</source>
        <translation>Findings</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="146" />
        <source>Excerpt (masked)</source>
        <translation>Excerpt (masked)</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="147" />
        <source>Decision</source>
        <translation>Decision</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="148" />
        <source>Reason given</source>
        <translation>Reason given</translation>
    </message>
    <message>
        <location filename="../core/texts.cc" line="150" />
        <source>Rules</source>
        <translation>Rules</translation>
    </message>
</context>
<context>
    <name>dlp::tray::DecisionDialog</name>
    <message>
        <location filename="../app/decision_dialog.cc" line="17" />
        <source>Leak-prevention agent: warning</source>
        <translation>Leak-prevention agent: warning</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="20" />
        <source>&lt;b&gt;Paste into %1 is on hold&lt;/b&gt;</source>
        <translation>&lt;b&gt;Paste into %1 is on hold&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="32" />
        <source>Found (masked):</source>
        <translation>Found (masked):</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="33" />
        <source>To continue, give the reason (it is recorded for the security officer):</source>
        <translation>To continue, give the reason (it is recorded for the security officer):</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="34" />
        <source>Reason (optional):</source>
        <translation>Reason (optional):</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="42" />
        <source>Continue and paste</source>
        <translation>Continue and paste</translation>
    </message>
    <message>
        <location filename="../app/decision_dialog.cc" line="44" />
        <source>Cancel the paste</source>
        <translation>Cancel the paste</translation>
    </message>
</context>
<context>
    <name>dlp::tray::HistoryWindow</name>
    <message>
        <location filename="../app/history_window.cc" line="34" />
        <source>Leak-prevention agent: my incidents</source>
        <translation>Leak-prevention agent: my incidents</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="39" />
        <source>Search: destination, rule, excerpt...</source>
        <translation>Search: destination, rule, excerpt...</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="42" />
        <source>All actions</source>
        <translation>All actions</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="46" />
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="71" />
        <source>Report a false alarm...</source>
        <translation>Report a false alarm...</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="103" />
        <source>The agent service cannot be reached; the list may be out of date.</source>
        <translation>The agent service cannot be reached; the list may be out of date.</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/history_window.cc" line="144" />
        <source>%n incident(s)</source>
        <translation><numerusform>%n incident</numerusform><numerusform>%n incidents</numerusform></translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="156" />
        <source>Select an incident to see its details.</source>
        <translation>Select an incident to see its details.</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="170" />
        <location filename="../app/history_window.cc" line="177" />
        <source>Report a false alarm</source>
        <translation>Report a false alarm</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="171" />
        <source>Why is this not sensitive? Your report goes to the security officer.</source>
        <translation>Why is this not sensitive? Your report goes to the security officer.</translation>
    </message>
    <message>
        <location filename="../app/history_window.cc" line="178" />
        <source>The report was not recorded: %1</source>
        <translation>The report was not recorded: %1</translation>
    </message>
</context>
<context>
    <name>dlp::tray::IncidentModel</name>
    <message>
        <location filename="../core/incident_model.cc" line="91" />
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../core/incident_model.cc" line="92" />
        <source>Channel</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../core/incident_model.cc" line="93" />
        <source>Destination</source>
        <translation>Destination</translation>
    </message>
    <message>
        <location filename="../core/incident_model.cc" line="94" />
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../core/incident_model.cc" line="95" />
        <source>Rules</source>
        <translation>Rules</translation>
    </message>
    <message>
        <location filename="../core/incident_model.cc" line="96" />
        <source>Decision</source>
        <translation>Decision</translation>
    </message>
</context>
<context>
    <name>dlp::tray::TrayApp</name>
    <message>
        <location filename="../app/tray_app.cc" line="117" />
        <source>Rules: unknown</source>
        <translation>Rules: unknown</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="118" />
        <source>Rules: %1</source>
        <translation>Rules: %1</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="121" />
        <source>My incidents (history)...</source>
        <translation>My incidents (history)...</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="122" />
        <source>Status...</source>
        <translation>Status...</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="123" />
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="134" />
        <source>About...</source>
        <translation>About...</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="183" />
        <source>Agent version</source>
        <translation>Agent version</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="184" />
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="185" />
        <source>Rules</source>
        <translation>Rules</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="186" />
        <source>Rules loaded at</source>
        <translation>Rules loaded at</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="187" />
        <source>Health</source>
        <translation>Health</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="188" />
        <source>When the agent is down</source>
        <translation>When the agent is down</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="189" />
        <source>Browser extension</source>
        <translation>Browser extension</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="189" />
        <source>unknown (the agent does not report it)</source>
        <translation>unknown (the agent does not report it)</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="190" />
        <source>connected</source>
        <translation>connected</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="190" />
        <source>not connected</source>
        <translation>not connected</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="192" />
        <source>Browsers running</source>
        <translation>Browsers running</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="192" />
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="193" />
        <source>Guarded desktop applications</source>
        <translation>Guarded desktop applications</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="195" />
        <source>Leak-prevention agent: status</source>
        <translation>Leak-prevention agent: status</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="203" />
        <source>About</source>
        <translation>About</translation>
    </message>
    <message>
        <location filename="../app/tray_app.cc" line="204" />
        <source>&lt;p&gt;&lt;b&gt;Leak-prevention agent %1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Checks what you copy and paste towards public AI platforms and stops state secrets and personal data from leaving. Every decision is made by the agent service on this computer; nothing is sent anywhere else.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Leak-prevention agent %1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Checks what you copy and paste towards public AI platforms and stops state secrets and personal data from leaving. Every decision is made by the agent service on this computer; nothing is sent anywhere else.&lt;/p&gt;</translation>
    </message>
</context>
</TS>