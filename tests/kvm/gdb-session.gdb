# gdb-multiarch -batch against `vmm run --accel kvm --gdb` inside the test host, through
# tools/kvm-host --gdb-socket (run-gdb-group puts the socket in for @SOCK@); checked by
# gdb-session-check. The same steps as tests/gdb/gdb-check on the model, with a
# hardware breakpoint (hbreak) too, a watchpoint wider than a doubleword (12 bytes
# around jiffies: three watchpoint registers), and a software breakpoint inserted while the boot
# suite's own BRK runs (the guest must take that one itself).
set pagination off
set confirm off
set remotetimeout 600
target remote @SOCK@
echo @entry\n
p/x $pc
info threads
break start_kernel
continue
echo @start_kernel\n
p/x $pc
p/x dtb_pa
p/x $x0
stepi
echo @stepped\n
p/x $pc
p boot_ticks
watch boot_ticks
continue
echo @watched\n
p boot_ticks != 0
delete
rwatch boot_ticks
continue
echo @rwatched\n
info symbol $pc
delete
watch -location *(char (*)[12])((char *)&jiffies - 2)
continue
echo @widewatched\n
delete
hbreak ktest_run_all
continue
echo @ktest\n
info threads
set $x9 = 0x1234
p/x $x9
delete
break show_vmstat
continue
echo @vmstat\n
delete
x/1xw show_vmstat
continue
