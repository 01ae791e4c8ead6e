package io.changegraph.forward;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;

/** Just enough DER to wrap OpenSSL's traditional key formats (PKCS#1 RSA, SEC1 EC) into PKCS#8 for the JDK. */
final class Der {
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private Der() {
    }

    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        return tlv(0x30, concat(VERSION_0, RSA_ALGORITHM, tlv(0x04, pkcs1)));
    }

    /** SEC1 {@code ECPrivateKey} with its named curve ({@code [0]}) → PKCS#8. */
    static byte[] ecSec1ToPkcs8(byte[] sec1, Path file) {
        byte[] curve = null;
        try {
            int[] outer = header(sec1, 0);
            int at = outer[0];
            int end = at + outer[1];
            while (at < end) {
                int tag = sec1[at] & 0xff;
                int[] h = header(sec1, at);
                if (tag == 0xa0) {
                    curve = Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
                }
                at = h[0] + h[1];
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            curve = null;
        }
        if (curve == null || curve.length == 0 || curve[0] != 0x06) {
            throw new IllegalArgumentException("hub: key " + file + " is an EC key without a named curve (convert it"
                    + " with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
        }
        return tlv(0x30, concat(VERSION_0, tlv(0x30, concat(EC_PUBLIC_KEY_OID, curve)), tlv(0x04, sec1)));
    }

    /** {content offset, content length} of the element at {@code at}. */
    private static int[] header(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {at + 2, first};
        }
        int n = first & 0x7f;
        int length = 0;
        for (int i = 0; i < n; i++) {
            length = (length << 8) | (der[at + 2 + i] & 0xff);
        }
        return new int[] {at + 2 + n, length};
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write((n >>> (8 * i)) & 0xff);
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
