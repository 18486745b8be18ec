"""Every limit that keeps a returned file from exhausting the coordinator's machine, in one place
(README, Security). Readers, sniffing and the importer's workers take their bounds from here."""

from __future__ import annotations

# Sniffing, before anything is parsed.
MAX_FILE_BYTES = 50 * 1024 * 1024  # a filled form is well under 2 MB
MAX_ZIP_ENTRIES = 2_000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all parts of an archive together, as its directory declares them
MAX_PART_BYTES = 8 * 1024 * 1024  # one XML part that a reader parses; our largest is under 1 MB
MAX_RATIO = 200  # uncompressed / compressed, for any part larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024

# Readers.
MAX_CELLS = 50_000  # cells in one sheet of a workbook; our largest sheet has a few thousand
MAX_PDF_FIELDS = 5_000  # form fields in a PDF; our largest form has a few hundred
MAX_FIELD_DEPTH = 16  # nesting of a PDF's field tree; ours is two deep
MAX_TEXT_CHARS = 100_000  # one typed answer

# The importer's worker processes.
FILE_SECONDS = 20  # wall-clock time to read one file, in a worker process that is killed past it
FILE_MEMORY_BYTES = 1024 * 1024 * 1024  # memory a worker may add to its own while reading one file
MAX_WORKERS = 8  # reading processes at most, whatever the number of cores

# Mail containers (.eml, mbox, Maildir, .msg, IMAP folders), each opened in a worker process of its own.
MiB = 1024 * 1024
MAIL_MESSAGES_PER_MBOX = 100_000
MAIL_PARTS_PER_MESSAGE = 500
MAIL_DEPTH = 8  # multiparts, forwarded messages, archives and winmail.dat inside one another
MAIL_ATTACHMENT_BYTES = MAX_FILE_BYTES  # decoded, the same bound as a returned file on disk
MAIL_MESSAGE_BYTES = 200 * MiB
MAIL_ARCHIVES_IN_ARCHIVES = 1  # a zip inside a zip is opened, a zip inside that is not
MAIL_MESSAGE_SECONDS = 30  # wall-clock time the mail worker may spend on one message before it is stopped
MAIL_MEMORY_BYTES = 1024 * 1024 * 1024  # memory a mail worker may add to its own while reading one container
