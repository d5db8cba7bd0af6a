/* The guest physical memory map: the one place that owns it. The VMM's devices, the
 * device tree builder (fdt/), the guest kernel, the raw test guests and
 * docs/memory-map.md all read it from here. It follows QEMU's `virt` machine so that
 * one guest image boots on both.
 *
 * Assembler-safe: only #defines, with integer suffixes through PLAT_UL(), so that
 * .S files (the raw test guests) include it as C does.
 *
 *   0x0000_0000 +--------------------------+
 *               |  (unused: external abort)|
 *   0x0800_0000 +--------------------------+ GIC_DIST_BASE     64 KiB
 *               |  GICv3 distributor       |
 *   0x0808_0000 +--------------------------+ GIC_ITS_BASE      128 KiB (--its; KVM only)
 *               |  GICv3 ITS               |  (control + translation frames)
 *   0x080A_0000 +--------------------------+ GIC_REDIST_BASE   128 KiB per vCPU
 *               |  GICv3 redistributors    |  (RD_base + SGI_base frames)
 *   0x0900_0000 +--------------------------+ PL011_BASE        4 KiB, SPI 1 (INTID 33)
 *               |  PL011 UART              |
 *   0x0910_0000 +--------------------------+ EXIT_DEV_BASE     4 KiB, "vmm,exit"
 *               |  exit device             |
 *   0x0911_0000 +--------------------------+ MSI_SOURCE_BASE   4 KiB, "vmm,msi-source"
 *               |  MSI source (--its)      |  (MSIs to the ITS, DeviceID 16)
 *   0x0A00_0000 +--------------------------+ VIRTIO_MMIO_BASE  32 slots, 0x200 apart
 *               |  virtio-mmio             |  SPI 16.. (INTID 48..)
 *   0x4000_0000 +--------------------------+ RAM_BASE
 *               |  RAM (--mem)             |
 *               +--------------------------+
 */
#ifndef PLATFORM_MEMMAP_H
#define PLATFORM_MEMMAP_H

#ifdef __ASSEMBLER__
#define PLAT_UL(x) x
#else
#define PLAT_UL(x) x##ULL
#endif

#define MiB(x) ((x) * PLAT_UL(0x100000))
#define GiB(x) ((x) * PLAT_UL(0x40000000))

#define GIC_DIST_BASE       PLAT_UL(0x08000000)
#define GIC_DIST_SIZE       PLAT_UL(0x00010000)
/* The ITS (KVM_DEV_TYPE_ARM_VGIC_ITS): its control frame and, 64 KiB above,
 * GITS_TRANSLATER's frame, where QEMU virt puts its ITS. */
#define GIC_ITS_BASE        PLAT_UL(0x08080000)
#define GIC_ITS_SIZE        PLAT_UL(0x00020000)
#define GIC_ITS_TRANSLATER  PLAT_UL(0x00010040) /* GITS_TRANSLATER, from GIC_ITS_BASE */
#define GIC_REDIST_BASE     PLAT_UL(0x080A0000)
#define GIC_REDIST_STRIDE   PLAT_UL(0x00020000) /* RD_base frame + SGI_base frame */
#define GIC_REDIST_SGI_OFF  PLAT_UL(0x00010000) /* SGI_base within a vCPU's pair */
/* The most vCPUs the platform can describe: the redistributor region ends where the
 * PL011 begins, (0x0900_0000 - 0x080A_0000) / 0x2_0000 = 123. Each engine states
 * its own limit (struct accel_ops.max_cpus), at most this. */
#define PLATFORM_MAX_CPUS   123

#define PL011_BASE          PLAT_UL(0x09000000)
#define PL011_SIZE          PLAT_UL(0x00001000)
#define PL011_SPI           1             /* INTID 32 + 1, as on QEMU virt */

#define EXIT_DEV_BASE       PLAT_UL(0x09100000)
#define EXIT_DEV_SIZE       PLAT_UL(0x00001000)
/* Exit device registers (compatible "vmm,exit"), 32 bits wide; any other width is an
 * external abort: */
#define EXIT_DEV_STATUS     0x0 /* status that a later PSCI SYSTEM_OFF exits with */
#define EXIT_DEV_EXIT       0x4 /* stop the VM now with this status */

/* The MSI source (compatible "vmm,msi-source", only with an ITS): a device whose
 * MSIs the guest triggers, DeviceID MSI_SOURCE_DEVID. 32-bit registers: */
#define MSI_SOURCE_BASE     PLAT_UL(0x09110000)
#define MSI_SOURCE_SIZE     PLAT_UL(0x00001000)
#define MSI_SOURCE_EVENT    0x0 /* write: send an MSI with this EventID */
#define MSI_SOURCE_LAST     0x4 /* read: the last one: 1 an LPI, 0 dropped, 2 not sent */
#define MSI_SOURCE_DEVID    16

#define VIRTIO_MMIO_BASE    PLAT_UL(0x0A000000)
#define VIRTIO_MMIO_STRIDE  PLAT_UL(0x00000200)
#define VIRTIO_MMIO_SLOTS   32
#define VIRTIO_MMIO_SPI     16           /* slot n raises SPI 16 + n */

#define RAM_BASE            PLAT_UL(0x40000000)
#define RAM_MAX_SIZE        GiB(255)      /* below the 1 TiB mark, as virt's highmem */

/* GIC interrupt IDs */
#define GIC_SPI_BASE        32
#define PPI_PMU             23           /* PMU overflow, as QEMU virt */
#define PPI_VGIC_MAINT      25
#define PPI_HYP_TIMER       26
#define PPI_VIRT_TIMER      27
#define PPI_SEC_PHYS_TIMER  29
#define PPI_PHYS_TIMER      30

#ifndef __ASSEMBLER__
_Static_assert(GIC_REDIST_BASE + PLATFORM_MAX_CPUS * GIC_REDIST_STRIDE <= PL011_BASE,
	       "the redistributors of PLATFORM_MAX_CPUS vCPUs overlap the PL011");
_Static_assert(GIC_DIST_BASE + GIC_DIST_SIZE <= GIC_REDIST_BASE, "GICD overlaps GICR");
_Static_assert(GIC_DIST_BASE + GIC_DIST_SIZE <= GIC_ITS_BASE, "GICD overlaps the ITS");
_Static_assert(GIC_ITS_BASE + GIC_ITS_SIZE <= GIC_REDIST_BASE, "the ITS overlaps GICR");
_Static_assert(EXIT_DEV_BASE + EXIT_DEV_SIZE <= MSI_SOURCE_BASE &&
	       MSI_SOURCE_BASE + MSI_SOURCE_SIZE <= VIRTIO_MMIO_BASE,
	       "the MSI source overlaps the exit device or virtio-mmio");
_Static_assert(VIRTIO_MMIO_BASE + VIRTIO_MMIO_SLOTS * VIRTIO_MMIO_STRIDE <= RAM_BASE,
	       "virtio-mmio slots overlap RAM");
#endif

#endif
