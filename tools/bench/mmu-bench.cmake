# mmu-bench: ns per full 4-over-4 two-stage walk and per TLB hit (docs/mmu.md).
# Build: cmake --build <build> --target mmu-bench; run: cmake --build <build> --target
# mmu-bench-run. Always optimised (-O2), whatever the build type.
if(TARGET mmu AND NOT TARGET mmu-bench)
	add_executable(mmu-bench ${CMAKE_CURRENT_LIST_DIR}/mmu-bench.c)
	target_link_libraries(mmu-bench PRIVATE mmu)
	target_compile_options(mmu-bench PRIVATE -O2)
	add_custom_target(mmu-bench-run COMMAND mmu-bench DEPENDS mmu-bench
		COMMENT "mmu-bench: walk and TLB-hit cost" VERBATIM)
endif()
