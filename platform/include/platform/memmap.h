/* The guest physical memory map: the one place that owns it. Devices, the device
 * tree builder and docs/memory-map.md read it from here. It follows QEMU's `virt`
 * machine so that one guest image boots on both.
 *
 *   0x0000_0000 +--------------------------+
 *               |  (unused, faults)        |
 *   0x0800_0000 +--------------------------+ GIC_DIST_BASE     64 KiB
 *               |  GICv3 distributor       |
 *   0x080A_0000 +--------------------------+ GIC_REDIST_BASE   128 KiB per vCPU
 *               |  GICv3 redistributors    |  (RD_base + SGI_base frames)
 *   0x0900_0000 +--------------------------+ PL011_BASE        4 KiB, SPI 1 (INTID 33)
 *               |  PL011 UART              |
 *   0x0910_0000 +--------------------------+ EXIT_DEV_BASE     4 KiB, "vmm,exit"
 *               |  exit device             |
 *   0x0A00_0000 +--------------------------+ VIRTIO_MMIO_BASE  32 slots, 0x200 apart
 *               |  virtio-mmio             |  SPI 16.. (INTID 48..)
 *   0x4000_0000 +--------------------------+ RAM_BASE
 *               |  RAM (--mem)             |
 *               +--------------------------+
 */
#ifndef VMM_MEMMAP_H
#define VMM_MEMMAP_H

#define MiB(x) ((unsigned long long)(x) << 20)
#define GiB(x) ((unsigned long long)(x) << 30)

#define GIC_DIST_BASE      0x08000000ULL
#define GIC_DIST_SIZE      0x00010000ULL
#define GIC_REDIST_BASE    (GIC_DIST_BASE + 0xA0000ULL)
#define GIC_REDIST_STRIDE  0x00020000ULL /* RD_base frame + SGI_base frame */
#define GIC_REDIST_MAX_CPUS 123          /* the region ends at PL011_BASE */

#define PL011_BASE         0x09000000ULL
#define PL011_SIZE         0x00001000ULL
#define PL011_SPI          1             /* INTID 32 + 1, as on QEMU virt */

#define EXIT_DEV_BASE      (PL011_BASE + 0x100000ULL)
#define EXIT_DEV_SIZE      0x00001000ULL

#define VIRTIO_MMIO_BASE   0x0A000000ULL
#define VIRTIO_MMIO_STRIDE 0x00000200ULL
#define VIRTIO_MMIO_SLOTS  32
#define VIRTIO_MMIO_SPI    16

#define RAM_BASE           0x40000000ULL
#define RAM_MAX_SIZE       GiB(255)      /* below the 1 TiB mark, as virt's highmem */

/* GIC interrupt IDs */
#define GIC_SPI_BASE       32
#define PPI_VIRT_TIMER     27
#define PPI_PHYS_TIMER     30
#define PPI_HYP_TIMER      26
#define PPI_SEC_PHYS_TIMER 29
#define PPI_VGIC_MAINT     25

/* Exit device registers (compatible "vmm,exit"): */
#define EXIT_DEV_STATUS    0x0 /* w32: status that a later PSCI SYSTEM_OFF exits with */
#define EXIT_DEV_EXIT      0x4 /* w32: stop the VM now with this status */

#endif
