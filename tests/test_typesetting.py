"""The typesetting layer's contracts with the libraries it stands on."""

import zlib

import pydyf

from aitk_forms.typesetting.weasy import compress_streams, stream_bytes


def test_stream_bytes_reads_a_pydyf_stream_through_its_public_data():
    stream = pydyf.Stream([b"BT", b"/F1 12 Tf", "(stream inside) Tj", b"ET"], compress=True)
    assert stream_bytes(stream) == b"BT\n/F1 12 Tf\n(stream inside) Tj\nET"


def test_compress_streams_deflates_each_stream_once_and_names_the_filter():
    pdf = pydyf.PDF()
    content = pydyf.Stream([b"0 0 m 10 10 l S"], compress=True)
    pdf.add_object(content)
    compress_streams(None, pdf)
    assert content.extra["Filter"] == "/FlateDecode"
    assert zlib.decompress(content.stream[0]) == b"0 0 m 10 10 l S"
