package org.kemari.xen.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.xen.HypervisorProvider;
import org.kemari.xen.Hypervisors;
import org.kemari.xen.XenException;

/** What an administrator sees when the xen backend cannot run here. */
class XenProviderTest {

    @Test
    void onAMachineThatIsNotADom0TheReasonIsOneClearLine() {
        assumeFalse(Files.exists(XenProvider.PRIVCMD), "this machine is a dom0");
        XenProvider xen = new XenProvider();

        assertThat(xen.unavailableReason())
                .isEqualTo("/dev/xen/privcmd not found: this machine is not a Xen dom0"
                        + " (boot it under Xen with the xen-privcmd module loaded)")
                .doesNotContain("\n");
        assertThatThrownBy(xen::open)
                .isInstanceOf(XenException.class)
                .hasMessage("xen backend: /dev/xen/privcmd not found: this machine is not a Xen dom0"
                        + " (boot it under Xen with the xen-privcmd module loaded)")
                .hasNoCause();
    }

    @Test
    void autoRefusesWithTheSameReasonAndPointsAtTheSimulator() {
        assumeFalse(Files.exists(XenProvider.PRIVCMD), "this machine is a dom0");
        assertThatThrownBy(() -> Hypervisors.open("auto"))
                .isInstanceOf(XenException.class)
                .hasMessageContaining("/dev/xen/privcmd not found")
                .hasMessageEndingWith("; use --backend sim to run on the simulator");
    }

    @Test
    void isFoundByServiceLoaderAsXen() {
        assertThat(Hypervisors.providers()).extracting(HypervisorProvider::name).contains("xen");
        assertThat(Hypervisors.provider("xen")).isInstanceOf(XenProvider.class);
    }

    @Test
    void aMissingToolLibraryIsNamedWithItsRemedy(@TempDir Path dir) throws IOException {
        Path privcmd = Files.createFile(dir.resolve("privcmd"));
        XenProvider xen = new XenProvider(privcmd, List.of("libxenctrl.so.4.99"));

        assertThat(xen.unavailableReason()).isEqualTo("libxenctrl.so.4.99 cannot be loaded: install the Xen 4.17"
                + " tool libraries (Debian 12: apt-get install xen-utils-4.17)");
        assertThatThrownBy(xen::open).isInstanceOf(XenException.class).hasMessageContaining("libxenctrl.so.4.99");
    }

    @Test
    void anUnwritablePrivcmdSaysToRunAsRoot(@TempDir Path dir) throws IOException {
        Path privcmd = Files.createFile(dir.resolve("privcmd"));
        List<Path> asked = new ArrayList<>();
        XenProvider xen = new XenProvider(privcmd, XenLibraries.SONAMES, p -> {
            asked.add(p);
            return false;
        });

        assertThat(xen.unavailableReason())
                .isEqualTo(privcmd + " is not readable and writable by this user: run kemari as root in dom0");
        assertThat(asked).as("the access check is of the device itself").containsExactly(privcmd);
        assertThatThrownBy(xen::open).isInstanceOf(XenException.class)
                .hasMessage("xen backend: " + privcmd + " is not readable and writable by this user: run kemari as root in dom0");
    }

    @Test
    void withADeviceAndTheInstalledLibrariesNothingIsMissing(@TempDir Path dir) throws IOException {
        assumeFalse(Boolean.getBoolean("kemari.abi.skip"), "Xen libraries not required (-Dkemari.abi.skip=true)");
        Path privcmd = Files.createFile(dir.resolve("privcmd"));

        assertThat(new XenProvider(privcmd, XenLibraries.SONAMES).unavailableReason()).isNull();
    }
}
