package org.kemari.xen.jna.bind;

import java.lang.reflect.Field;
import java.util.List;

import com.sun.jna.Native;
import com.sun.jna.Structure;

/** A structure whose layout the ABI test can compare with the C compiler's. */
public abstract class AbiStructure extends Structure {
    protected AbiStructure() {
    }

    /** The C name the ABI probe prints this structure under. */
    public abstract String cName();

    public List<String> fieldNames() {
        return getFieldOrder();
    }

    public int offsetOf(String field) {
        return fieldOffset(field);
    }

    /** Bytes the field occupies in native memory (arrays: all elements). */
    public int sizeOf(String field) {
        try {
            Field f = getClass().getField(field);
            return Native.getNativeSize(f.getType(), f.get(this));
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(cName() + " has no field " + field, e);
        }
    }

    public int alignment() {
        return getStructAlignment();
    }
}
