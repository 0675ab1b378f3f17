"""The escalation engine our doctypes share.

- registry: which doctypes escalate (hook `aftersales_escalating`), with their statuses and fields;
- planning: which Escalation Policy fits a document and when its next level falls due;
- recipients: who a level goes to;
- engine: select what is due (locked), fire the levels, escalate one document by hand;
- writer: the batched writes (log rows, ToDo, Notification Log, the documents' state);
- notify: digest emails and signed webhooks, sent after commit.

The hourly sweep that drives it is tasks/escalation.py.
"""
